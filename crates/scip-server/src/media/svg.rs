//! SVG safety: an SVG is an XML program a browser runs, so an uploaded one is accepted only
//! when it holds nothing active or external — no scripts, event handlers, foreign objects,
//! links or styles that reach outside the file, no entity declarations. It must be well-formed
//! XML with `<svg>` at its root.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Elements that run code, embed other documents or reach outside the file.
const FORBIDDEN_ELEMENTS: [&str; 12] = [
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
    "base",
    "link",
    "meta",
    "audio",
    "video",
];

/// Entity references XML predefines; any other named entity is refused.
const PREDEFINED_ENTITIES: [&str; 5] = ["lt", "gt", "amp", "apos", "quot"];

/// Raster images an SVG may embed inline as `data:` URLs.
const INLINE_IMAGE_PREFIXES: [&str; 4] = [
    "data:image/png",
    "data:image/jpeg",
    "data:image/gif",
    "data:image/webp",
];

/// Checks an SVG document; `Err` says what was found and where.
pub fn check_svg(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the SVG is not UTF-8 text".to_owned())?;
    let lower = text.to_ascii_lowercase();
    for marker in ["<script", "javascript:", "vbscript:", "<!entity"] {
        if lower.contains(marker) {
            return Err(format!("the SVG contains {marker:?}"));
        }
    }
    let mut reader = Reader::from_str(text);
    let mut seen_root = false;
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| format!("the SVG is not well-formed XML (near byte {position}): {e}"))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = local_name(&e);
                if !seen_root {
                    if name != "svg" {
                        return Err(format!(
                            "the document's root element is <{name}>, not <svg>"
                        ));
                    }
                    seen_root = true;
                }
                check_element(&e, &name)?;
            }
            Event::Text(t) => check_style_text(&t)?,
            Event::CData(t) => check_style_text(&t)?,
            Event::DocType(_) => {
                // A DOCTYPE without entity declarations (checked above) is harmless.
            }
            Event::PI(_) => {
                return Err(
                    "the SVG has a processing instruction (such as an external stylesheet)"
                        .to_owned(),
                );
            }
            Event::GeneralRef(r) => {
                let name: String = r.to_string();
                if !name.starts_with('#') && !PREDEFINED_ENTITIES.contains(&name.as_str()) {
                    return Err(format!("the SVG refers to the undeclared entity &{name};"));
                }
            }
            Event::Eof => break,
            Event::End(_) | Event::Comment(_) | Event::Decl(_) => {}
        }
    }
    if !seen_root {
        return Err("the document has no <svg> element".to_owned());
    }
    Ok(())
}

fn local_name(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_ascii_lowercase()
}

fn check_element(e: &BytesStart<'_>, name: &str) -> Result<(), String> {
    if FORBIDDEN_ELEMENTS.contains(&name) {
        return Err(format!("the SVG contains a <{name}> element"));
    }
    for attribute in e.attributes() {
        let attribute =
            attribute.map_err(|err| format!("<{name}> has a malformed attribute: {err}"))?;
        let key = attribute.key.local_name().as_ref().to_ascii_lowercase();
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| format!("<{name}> attribute {key} cannot be read: {err}"))?;
        let compact: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        if key.starts_with("on") {
            return Err(format!("<{name}> has the event handler attribute {key}"));
        }
        if compact.contains("javascript:")
            || compact.contains("vbscript:")
            || compact.contains("data:text/html")
        {
            return Err(format!("<{name}> attribute {key} holds a script URL"));
        }
        if matches!(key.as_str(), "href" | "src") && !is_internal_reference(&compact) {
            return Err(format!(
                "<{name}> attribute {key} refers outside the file ({value:?}); only #fragments and inline raster images are allowed"
            ));
        }
        if key == "style" {
            check_style_text(&value)?;
        }
        if (name == "set" || name.starts_with("animate"))
            && key == "attributename"
            && compact.ends_with("href")
        {
            return Err(format!("<{name}> animates a link target"));
        }
    }
    Ok(())
}

fn is_internal_reference(compact: &str) -> bool {
    compact.starts_with('#') || INLINE_IMAGE_PREFIXES.iter().any(|p| compact.starts_with(p))
}

/// Style text may not import anything or use a `url(…)` other than a `#fragment`.
fn check_style_text(text: &str) -> Result<(), String> {
    let lower: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if lower.contains("@import") {
        return Err("the SVG's style imports another stylesheet".to_owned());
    }
    if lower.contains("expression(") {
        return Err("the SVG's style uses expression()".to_owned());
    }
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url(") {
        let target = rest[at + 4..].trim_start_matches(['"', '\'']);
        if !is_internal_reference(target) {
            return Err("the SVG's style refers to an outside resource with url()".to_owned());
        }
        rest = &rest[at + 4..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = r##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <style>.a { fill: url(#g); }</style>
  <rect class="a" width="10" height="10" fill="url(#g)"/>
  <use xlink:href="#g"/>
  <text>Tom &amp; Jerry &#169;</text>
</svg>"##;

    #[test]
    fn a_plain_drawing_is_accepted() {
        assert_eq!(check_svg(PLAIN.as_bytes()), Ok(()));
    }

    fn refused(svg: &str) -> String {
        check_svg(svg.as_bytes()).unwrap_err()
    }

    #[test]
    fn scripts_handlers_and_foreign_content_are_refused() {
        assert!(refused(r#"<svg><script>alert(1)</script></svg>"#).contains("<script"));
        assert!(refused(r#"<svg><SCRIPT>alert(1)</SCRIPT></svg>"#).contains("<script"));
        assert!(refused(r#"<svg onload="alert(1)"/>"#).contains("onload"));
        assert!(refused(r#"<svg><rect OnClick="x()"/></svg>"#).contains("onclick"));
        assert!(
            refused(r#"<svg><foreignObject><p>x</p></foreignObject></svg>"#)
                .contains("foreignobject")
        );
        assert!(
            refused(r#"<svg><a href="&#106;avascript:alert(1)">x</a></svg>"#)
                .contains("script URL")
        );
        assert!(refused(r#"<svg><iframe src="x"/></svg>"#).contains("iframe"));
    }

    #[test]
    fn external_references_and_entities_are_refused() {
        assert!(
            refused(r#"<svg><image href="https://evil.example/x.png"/></svg>"#).contains("outside")
        );
        assert!(refused(r#"<svg xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="other.svg#a"/></svg>"#).contains("outside"));
        assert!(
            refused(r#"<svg><style>@import url(http://x/y.css);</style></svg>"#)
                .contains("imports")
        );
        assert!(refused(r#"<svg><rect style="fill: url('http://x/y')"/></svg>"#).contains("url()"));
        assert!(
            refused(r#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>"#)
                .contains("entity")
        );
        assert!(
            refused(r#"<?xml-stylesheet href="x.css"?><svg/>"#).contains("processing instruction")
        );
        assert!(
            refused(r##"<svg><set attributeName="href" to="#x"/></svg>"##).contains("animates")
        );
    }

    #[test]
    fn inline_raster_images_are_allowed() {
        assert_eq!(
            check_svg(br#"<svg><image href="data:image/png;base64,iVBORw0KGgo="/></svg>"#),
            Ok(())
        );
        assert!(
            check_svg(br#"<svg><image href="data:image/svg+xml;base64,PHN2Zz4="/></svg>"#).is_err()
        );
    }

    #[test]
    fn malformed_or_non_svg_documents_are_refused() {
        assert!(refused("<svg><g></svg>").contains("well-formed"));
        assert!(refused("<html><body/></html>").contains("root element is <html>"));
        assert!(refused("just text").contains("no <svg>"));
        assert!(check_svg(&[0xff, 0xfe, 0x00]).is_err());
    }

    #[test]
    fn every_demo_scenario_drawing_is_accepted() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/demo/media");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "svg") {
                let bytes = std::fs::read(&path).unwrap();
                assert_eq!(check_svg(&bytes), Ok(()), "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 10);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_judged_without_panicking(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = check_svg(&bytes);
        }

        #[test]
        fn any_text_in_an_svg_is_judged_without_panicking(body in ".{0,200}") {
            let _ = check_svg(format!("<svg>{body}</svg>").as_bytes());
        }
    }
}
