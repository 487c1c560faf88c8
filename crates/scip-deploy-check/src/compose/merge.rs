//! Compose's rules for layering an override file over a base file, on YAML values.

use serde_norway::Value;

use super::ComposeError;

/// Turns a `- KEY=value` environment list into a map, as Compose does before merging.
pub(super) fn normalise_environment(value: &mut Value) {
    let Value::Mapping(file) = value else { return };
    let Some(Value::Mapping(services)) = file.get_mut("services") else {
        return;
    };
    for (_, service) in services.iter_mut() {
        let Some(Value::Sequence(list)) = service.get("environment").cloned() else {
            continue;
        };
        let mut map = serde_norway::Mapping::new();
        for item in list {
            if let Value::String(entry) = item {
                let (key, val) = match entry.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Value::String(v.to_owned())),
                    None => (entry, Value::Null),
                };
                map.insert(Value::String(key), val);
            }
        }
        if let Value::Mapping(service) = service {
            service.insert(Value::String("environment".into()), Value::Mapping(map));
        }
    }
}

/// Converts scalar environment values (numbers, booleans) to strings, as Compose does.
pub(super) fn stringify_environment(value: &mut Value) {
    let Some(Value::Mapping(services)) = value.get_mut("services") else {
        return;
    };
    for (_, service) in services.iter_mut() {
        if let Some(Value::Mapping(env)) = service.get_mut("environment") {
            for (_, v) in env.iter_mut() {
                let text = match v {
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                if let Some(text) = text {
                    *v = Value::String(text);
                }
            }
        }
    }
}

/// Keys whose sequences an override replaces instead of extending.
const REPLACED_SEQUENCES: &[&str] = &["command", "entrypoint", "test"];

/// Layers `overlay` over `base` with Compose's rules: mappings merge key by key, most
/// sequences are appended (without repeating an equal item), `command`, `entrypoint` and
/// health check `test` are replaced, `!override` replaces and `!reset` removes.
pub fn merge(base: &Value, overlay: &Value) -> Result<Value, ComposeError> {
    let mut base = base.clone();
    let mut overlay = overlay.clone();
    normalise_environment(&mut base);
    normalise_environment(&mut overlay);
    let mut merged = merge_values(None, base, overlay)?;
    strip_tags(&mut merged)?;
    Ok(merged)
}

fn merge_values(key: Option<&str>, base: Value, overlay: Value) -> Result<Value, ComposeError> {
    match (base, overlay) {
        (_, Value::Tagged(tagged)) => {
            let tag = tagged.tag.to_string();
            match tag.as_str() {
                "!override" => Ok(tagged.value),
                "!reset" => Ok(Value::Null),
                _ => Err(ComposeError::UnsupportedTag(tag)),
            }
        }
        (Value::Mapping(mut base), Value::Mapping(overlay)) => {
            for (k, v) in overlay {
                let is_reset = matches!(&v, Value::Tagged(t) if t.tag == "reset");
                if is_reset {
                    base.remove(&k);
                    continue;
                }
                let merged = match base.remove(&k) {
                    Some(existing) => merge_values(k.as_str(), existing, v)?,
                    None => v,
                };
                base.insert(k, merged);
            }
            Ok(Value::Mapping(base))
        }
        (Value::Sequence(mut base), Value::Sequence(overlay))
            if !key.is_some_and(|k| REPLACED_SEQUENCES.contains(&k)) =>
        {
            for item in overlay {
                if !base.contains(&item) {
                    base.push(item);
                }
            }
            Ok(Value::Sequence(base))
        }
        (_, overlay) => Ok(overlay),
    }
}

/// Resolves tags left in a value that had no base to merge with.
fn strip_tags(value: &mut Value) -> Result<(), ComposeError> {
    match value {
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let inner = match tag.as_str() {
                "!override" => std::mem::take(&mut tagged.value),
                "!reset" => Value::Null,
                _ => return Err(ComposeError::UnsupportedTag(tag)),
            };
            *value = inner;
            strip_tags(value)
        }
        Value::Sequence(items) => items.iter_mut().try_for_each(strip_tags),
        Value::Mapping(map) => {
            let reset: Vec<Value> = map
                .iter()
                .filter(|(_, v)| matches!(v, Value::Tagged(t) if t.tag == "reset"))
                .map(|(k, _)| k.clone())
                .collect();
            for key in reset {
                map.remove(&key);
            }
            map.values_mut().try_for_each(strip_tags)
        }
        _ => Ok(()),
    }
}
