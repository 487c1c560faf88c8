//! Export → import is lossless: bundles (file set, folder, zip) and MSEL (CSV, XLSX).

use proptest::prelude::*;
use scip_core::{Scenario, validate_scenario};
use scip_formats::bundle::{bundle_files, read_bundle};
use scip_formats::msel::{MselOptions, read_csv, read_xlsx, write_csv, write_xlsx};
use scip_formats::{
    FileSet, Limits, LoadOptions, Loaded, Lookup, OutputFormat, load_path, write_path,
};

use crate::generate::scenario_with_media;

/// The loaded scenario equals the original and the report holds exactly the validation
/// problems of the original: reading added none.
fn assert_same(loaded: &Loaded, scenario: &Scenario, media: &FileSet) -> Result<(), TestCaseError> {
    let reading: Vec<_> = loaded
        .report
        .problems
        .iter()
        .filter(|p| !validation_messages(scenario, media).contains(&p.message))
        .collect();
    prop_assert!(reading.is_empty(), "reading problems: {reading:#?}");
    let back = loaded.scenario.as_ref().expect("a scenario");
    prop_assert_eq!(back, scenario);
    prop_assert_eq!(
        loaded.report.problems.len(),
        validate_scenario(scenario, &|n| media.contains(n))
            .problems
            .len()
    );
    Ok(())
}

fn validation_messages(scenario: &Scenario, media: &FileSet) -> Vec<String> {
    validate_scenario(scenario, &|n| media.contains(n))
        .problems
        .into_iter()
        .map(|p| p.message)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::cases(96), ..ProptestConfig::default() })]

    #[test]
    fn bundle_to_model_to_bundle_is_lossless((scenario, media) in scenario_with_media()) {
        let files = bundle_files(&scenario, &media).unwrap();
        let loaded = read_bundle(&files);
        assert_same(&loaded, &scenario, &media)?;
        prop_assert_eq!(&loaded.media, &media);
        let again = bundle_files(loaded.scenario.as_ref().unwrap(), &loaded.media).unwrap();
        prop_assert_eq!(again, files, "the same scenario writes the same bytes");
    }

    #[test]
    fn msel_csv_export_then_import_is_lossless((scenario, media) in scenario_with_media()) {
        let bytes = write_csv(&scenario).unwrap();
        // CSV carries injects only: settings and teams come from the scenario imported into.
        let loaded = read_csv("plan.csv", &bytes, MselOptions {
            base: Some(&scenario),
            media: Lookup::new().with(&media, ""),
        });
        assert_same(&loaded, &scenario, &media)?;
        prop_assert_eq!(&loaded.media, &media);
    }

    #[test]
    fn msel_xlsx_export_then_import_is_lossless((scenario, media) in scenario_with_media()) {
        let bytes = write_xlsx(&scenario).unwrap();
        let loaded = read_xlsx("plan.xlsx", &bytes, MselOptions {
            base: None,
            media: Lookup::new().with(&media, ""),
        }, Limits::default()).unwrap();
        assert_same(&loaded, &scenario, &media)?;
        prop_assert_eq!(&loaded.media, &media);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::cases(12), ..ProptestConfig::default() })]

    #[test]
    fn folder_and_zip_bundles_round_trip_on_disk((scenario, media) in scenario_with_media()) {
        let dir = tempfile::tempdir().unwrap();
        for (name, format) in [("bundle", OutputFormat::Bundle), ("bundle.zip", OutputFormat::Zip)] {
            let path = dir.path().join(name);
            write_path(&scenario, &media, &path, format, false).unwrap();
            let loaded = load_path(&path, &LoadOptions::default()).unwrap();
            assert_same(&loaded, &scenario, &media)?;
            prop_assert_eq!(&loaded.media, &media);
        }
    }
}

/// The demo scenario shipped with SCIP goes through every format and comes back the same.
#[test]
fn the_demo_scenario_round_trips_through_every_format() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/demo");
    let loaded = load_path(&demo, &LoadOptions::default()).unwrap();
    assert!(!loaded.report.has_errors(), "{:#?}", loaded.report.problems);
    let scenario = loaded.scenario.as_ref().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for name in ["demo", "demo.zip", "demo.xlsx", "demo.csv"] {
        let path = dir.path().join(name);
        write_path(
            scenario,
            &loaded.media,
            &path,
            OutputFormat::from_path(&path),
            false,
        )
        .unwrap();
        let options = LoadOptions {
            base: Some(scenario.clone()),
            ..LoadOptions::default()
        };
        let back = load_path(&path, &options).unwrap();
        assert!(
            !back.report.has_errors(),
            "{name}: {:#?}",
            back.report.problems
        );
        assert_eq!(back.scenario.as_ref(), Some(scenario), "{name}");
        assert_eq!(back.media, loaded.media, "{name}");
    }
}
