//! Loading a scenario from a path on disk or from a file set (uploads, an unpacked zip),
//! whatever its format.

use std::fs;
use std::path::{Path, PathBuf};

use scip_core::Scenario;

use crate::archive::read_zip;
use crate::bundle::{SCENARIO_FILES, read_bundle};
use crate::detect::{Detected, Format, WORKBOOK_EXTENSIONS, detect_set, is_v3_scenario};
use crate::error::FormatError;
use crate::fileset::FileSet;
use crate::limits::Limits;
use crate::loaded::Loaded;
use crate::msel::{MselOptions, read_csv, read_xlsx};
use crate::path::{extension, join, parent};
use crate::source::{Folder, Lookup};
use crate::v3::{V3Sources, read_v3};

/// Where to find what an input refers to, and what it may import into.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The media folder of a SCIP v3 scenario (`/api/media/<path>` is `<media_dir>/<path>`)
    /// or of a spreadsheet (file names in the Media column). Default: `media/` next to the
    /// scenario file or spreadsheet.
    pub media_dir: Option<PathBuf>,
    /// The SCIP v3 scenarios folder that `timeline_file` paths are relative to, when it is
    /// not the folder holding the scenario file.
    pub scenarios_root: Option<PathBuf>,
    /// A scenario to import a spreadsheet into: its settings and teams apply where the sheet
    /// gives none, and rows must name its teams.
    pub base: Option<Scenario>,
    /// Caps on files and bytes read.
    pub limits: Limits,
}

/// Loads a scenario from a bundle folder, a `.zip`, a SCIP v3 scenario `.json` (or a bundle's
/// `scenario.yaml`/`scenario.json`), a `.csv` or a workbook (`.xlsx`, `.xls`, `.ods`).
/// Problems in the files are in the report; `Err` means the input could not be read at all.
pub fn load_path(path: &Path, options: &LoadOptions) -> Result<Loaded, FormatError> {
    let meta = fs::metadata(path).map_err(|e| FormatError::read(path, e))?;
    let shown = path.display().to_string();
    if meta.is_dir() {
        if !SCENARIO_FILES.iter().any(|f| path.join(f).is_file()) {
            return Err(FormatError::Unrecognized(format!(
                "{shown} is a folder without scenario.yaml or scenario.json, so it is not a bundle; \
                 give a bundle folder, a .zip, a SCIP v3 scenario .json, a .csv or an .xlsx"
            )));
        }
        let files = FileSet::read_dir(path, options.limits)?;
        return Ok(with_file_prefix(read_bundle(&files), &shown));
    }
    if meta.len() > options.limits.max_total_bytes {
        return Err(FormatError::TooLarge {
            container: shown,
            reason: format!("is larger than {} bytes", options.limits.max_total_bytes),
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let ext = extension(&name).unwrap_or_default();
    if SCENARIO_FILES.contains(&name.as_str()) {
        return load_path(
            if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                &dir
            },
            options,
        );
    }
    let bytes = fs::read(path).map_err(|e| FormatError::read(path, e))?;
    let media_dir = options
        .media_dir
        .clone()
        .unwrap_or_else(|| dir.join("media"));
    let media_folder = Folder::new(media_dir);
    match ext.as_str() {
        "zip" => {
            let files = read_zip(&shown, &bytes, options.limits)?.without_common_folder();
            let loaded = load_files(&shown, files, options)?;
            Ok(with_file_prefix(loaded, &shown))
        }
        "csv" => Ok(read_csv(
            &shown,
            &bytes,
            msel_options(options, Lookup::new().with(&media_folder, "")),
        )),
        ext if WORKBOOK_EXTENSIONS.contains(&ext) => read_xlsx(
            &shown,
            &bytes,
            msel_options(options, Lookup::new().with(&media_folder, "")),
            options.limits,
        ),
        "json" => {
            if let Some(hint) = not_a_scenario_hint(&bytes) {
                return Err(FormatError::Unrecognized(format!("{shown} {hint}")));
            }
            if !is_v3_scenario(&bytes) && looks_like_document(&bytes) {
                let mut files = FileSet::new();
                files.put("scenario.json".to_owned(), bytes);
                return Ok(with_file_prefix(
                    read_bundle(&files),
                    &dir.display().to_string(),
                ));
            }
            let here = Folder::new(&dir);
            let root = options.scenarios_root.as_ref().map(Folder::new);
            let mut timelines = Lookup::new().with(&here, "");
            if let Some(root) = &root {
                timelines = timelines.with(root, "");
            }
            Ok(read_v3(
                &shown,
                &bytes,
                V3Sources {
                    timelines,
                    media: Lookup::new().with(&media_folder, ""),
                },
            ))
        }
        "yaml" | "yml" => Err(FormatError::Unrecognized(format!(
            "{shown} is a YAML file but not a bundle's scenario.yaml; give the bundle folder"
        ))),
        _ => Err(FormatError::Unrecognized(format!(
            "{shown} is not a scenario format SCIP reads (a bundle folder or .zip, a SCIP v3 \
             scenario .json, a .csv or an .xlsx)"
        ))),
    }
}

/// Loads a scenario from a file set: uploaded files or an unpacked zip. `name` names the set
/// in messages. A set that is a single `.zip` is unpacked first (with the zip-safety checks);
/// a set whose files all sit in one folder is read from inside it.
pub fn load_files(
    name: &str,
    files: FileSet,
    options: &LoadOptions,
) -> Result<Loaded, FormatError> {
    let mut files = files;
    let lone_zip = match files.paths().collect::<Vec<_>>().as_slice() {
        [only] if extension(only).as_deref() == Some("zip") => Some((*only).to_owned()),
        _ => None,
    };
    if let Some(zip_name) = lone_zip {
        let bytes = files.remove(&zip_name).unwrap_or_default();
        files = read_zip(&zip_name, &bytes, options.limits)?;
    }
    let files = files.without_common_folder();
    let media_folder = options.media_dir.as_ref().map(Folder::new);
    let root = options.scenarios_root.as_ref().map(Folder::new);
    match detect_set(name, &files)? {
        Detected::Bundle => Ok(read_bundle(&files)),
        Detected::File(format, main) => {
            let bytes = files.get(&main).unwrap_or_default().to_vec();
            let dir = parent(&main).to_owned();
            let mut media = Lookup::new()
                .with(&files, join(&dir, "media"))
                .with(&files, dir.clone());
            if let Some(folder) = &media_folder {
                media = media.with(folder, "");
            }
            match format {
                Format::ScipV3 => {
                    let mut timelines = Lookup::new().with(&files, dir.clone());
                    if let Some(root) = &root {
                        timelines = timelines.with(root, "");
                    }
                    Ok(read_v3(&main, &bytes, V3Sources { timelines, media }))
                }
                Format::MselCsv => Ok(read_csv(&main, &bytes, msel_options(options, media))),
                Format::MselXlsx => {
                    read_xlsx(&main, &bytes, msel_options(options, media), options.limits)
                }
                Format::Bundle => Ok(read_bundle(&files)),
            }
        }
    }
}

fn msel_options<'a>(options: &'a LoadOptions, media: Lookup<'a>) -> MselOptions<'a> {
    MselOptions {
        base: options.base.as_ref(),
        media,
    }
}

/// Explains JSON that is clearly not a scenario (a SCIP v3 timeline given on its own).
fn not_a_scenario_hint(bytes: &[u8]) -> Option<&'static str> {
    let serde_json::Value::Object(map) = serde_json::from_slice(bytes).ok()? else {
        return None;
    };
    (map.contains_key("injects") && !map.contains_key("teams")).then_some(
        "is a timeline, not a scenario; give the SCIP v3 scenario .json that names it in teams[].timeline_file",
    )
}

/// True for JSON in the bundle document shape (`format`, or teams with inline injects).
fn looks_like_document(bytes: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(bytes)
    else {
        return false;
    };
    map.contains_key("format")
        || map
            .get("teams")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|teams| teams.iter().any(|t| t.get("injects").is_some()))
}

/// Shows the files of problems under `prefix` (the folder or zip they came from).
fn with_file_prefix(mut loaded: Loaded, prefix: &str) -> Loaded {
    if prefix.is_empty() {
        return loaded;
    }
    for p in &mut loaded.report.problems {
        p.location.file = Some(match p.location.file.take() {
            Some(file) => format!("{}/{file}", prefix.trim_end_matches('/')),
            None => prefix.to_owned(),
        });
    }
    loaded
}
