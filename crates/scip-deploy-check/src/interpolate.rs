//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?error}`, `${VAR?error}`, and `$$` for a literal `$`. Defaults may hold references
//! themselves (`${A:-${B}}`), as Compose allows.

use thiserror::Error;

/// What a reference falls back to when its variable is unset (or empty, for the `:` forms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fallback {
    /// `$VAR` or `${VAR}`: the empty string.
    Empty,
    /// `${VAR:-text}` or `${VAR-text}`: the text (itself interpolated).
    Default(String),
    /// `${VAR:?message}` or `${VAR?message}`: Compose stops with the message.
    Required(String),
}

/// One variable reference found in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The variable's name.
    pub name: String,
    /// What applies when it is unset.
    pub fallback: Fallback,
}

/// A string Compose would refuse to interpolate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InterpolationError {
    /// `${` without its closing `}`.
    #[error("unclosed `${{` at byte {0}")]
    Unclosed(usize),
    /// `${}` or a name with characters other than letters, digits and `_`.
    #[error("invalid variable name {name:?} at byte {at}")]
    InvalidName {
        /// The text taken for a name.
        name: String,
        /// Byte offset of the `$`.
        at: usize,
    },
    /// A `$` followed by something that starts no reference (Compose rejects it).
    #[error("lone `$` at byte {0} (write `$$` for a literal dollar sign)")]
    LoneDollar(usize),
    /// A required variable is unset.
    #[error("required variable {name} is unset: {message}")]
    Required {
        /// The variable.
        name: String,
        /// The message of its `:?` form.
        message: String,
    },
}

enum Piece<'a> {
    Literal(&'a str),
    Dollar,
    Reference {
        name: &'a str,
        operator: &'a str,
        argument: &'a str,
    },
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Splits `text` into literals, escaped dollars and references (not yet recursing into
/// defaults).
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, InterpolationError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        if literal_start < i {
            out.push(Piece::Literal(&text[literal_start..i]));
        }
        let at = i;
        match bytes.get(i + 1) {
            Some(b'$') => {
                out.push(Piece::Dollar);
                i += 2;
            }
            Some(b'{') => {
                let body_start = i + 2;
                let mut depth = 1usize;
                let mut j = body_start;
                while j < bytes.len() {
                    match bytes[j] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if j >= bytes.len() {
                    return Err(InterpolationError::Unclosed(at));
                }
                let body = &text[body_start..j];
                let name_len = body.bytes().take_while(|c| is_name_char(*c)).count();
                let name = &body[..name_len];
                if name.is_empty() || !name.bytes().next().is_some_and(is_name_start) {
                    return Err(InterpolationError::InvalidName {
                        name: body.to_owned(),
                        at,
                    });
                }
                let rest = &body[name_len..];
                let (operator, argument) = [":-", ":?", "-", "?"]
                    .iter()
                    .find_map(|op| rest.strip_prefix(op).map(|arg| (*op, arg)))
                    .unwrap_or(("", rest));
                if operator.is_empty() && !rest.is_empty() {
                    return Err(InterpolationError::InvalidName {
                        name: body.to_owned(),
                        at,
                    });
                }
                out.push(Piece::Reference {
                    name,
                    operator,
                    argument,
                });
                i = j + 1;
            }
            Some(c) if is_name_start(*c) => {
                let name_len = bytes[i + 1..]
                    .iter()
                    .take_while(|c| is_name_char(**c))
                    .count();
                out.push(Piece::Reference {
                    name: &text[i + 1..i + 1 + name_len],
                    operator: "",
                    argument: "",
                });
                i += 1 + name_len;
            }
            _ => return Err(InterpolationError::LoneDollar(at)),
        }
        literal_start = i;
    }
    if literal_start < bytes.len() {
        out.push(Piece::Literal(&text[literal_start..]));
    }
    Ok(out)
}

/// Every variable reference in `text`, in order, including those inside defaults.
pub fn references(text: &str) -> Result<Vec<Reference>, InterpolationError> {
    let mut found = Vec::new();
    for piece in pieces(text)? {
        if let Piece::Reference {
            name,
            operator,
            argument,
        } = piece
        {
            let fallback = match operator {
                "" => Fallback::Empty,
                ":-" | "-" => Fallback::Default(argument.to_owned()),
                _ => Fallback::Required(argument.to_owned()),
            };
            found.push(Reference {
                name: name.to_owned(),
                fallback,
            });
            if matches!(operator, ":-" | "-") {
                found.extend(references(argument)?);
            }
        }
    }
    Ok(found)
}

/// Interpolates `text` as Compose would with the variables `lookup` knows. `$$` becomes `$`.
pub fn resolve(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, InterpolationError> {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text)? {
        match piece {
            Piece::Literal(literal) => out.push_str(literal),
            Piece::Dollar => out.push('$'),
            Piece::Reference {
                name,
                operator,
                argument,
            } => {
                let value = lookup(name);
                let unset = match operator {
                    ":-" | ":?" => value.as_deref().is_none_or(str::is_empty),
                    _ => value.is_none(),
                };
                match operator {
                    ":-" | "-" if unset => out.push_str(&resolve(argument, lookup)?),
                    ":?" | "?" if unset => {
                        return Err(InterpolationError::Required {
                            name: name.to_owned(),
                            message: argument.to_owned(),
                        });
                    }
                    _ => out.push_str(value.as_deref().unwrap_or_default()),
                }
            }
        }
    }
    Ok(out)
}

/// Interpolates `text` with every variable unset, so each default applies. Fails on a
/// required variable.
pub fn with_defaults(text: &str) -> Result<String, InterpolationError> {
    resolve(text, &|_| None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_every_form_of_reference() {
        let refs = references("a $HOME ${B} ${C:-x} ${D-y} ${E:?need E} ${F?need F} $$G").unwrap();
        let names: Vec<_> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["HOME", "B", "C", "D", "E", "F"]);
        assert_eq!(refs[2].fallback, Fallback::Default("x".into()));
        assert_eq!(refs[4].fallback, Fallback::Required("need E".into()));
        assert_eq!(refs[1].fallback, Fallback::Empty);
    }

    #[test]
    fn nested_defaults_are_references_too() {
        let refs = references("${A:-${B:-3100}-3200}").unwrap();
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].name, "B");
        assert_eq!(with_defaults("${A:-${B:-3100}-3200}").unwrap(), "3100-3200");
    }

    #[test]
    fn defaults_apply_and_escaped_dollars_stay() {
        let out = with_defaults("postgres://${U:-scip}@db/${N:-x} $$SYS/#").unwrap();
        assert_eq!(out, "postgres://scip@db/x $SYS/#");
    }

    #[test]
    fn colon_forms_treat_empty_as_unset() {
        let lookup = |name: &str| (name == "E").then(String::new);
        assert_eq!(resolve("${E:-d}", &lookup).unwrap(), "d");
        assert_eq!(resolve("${E-d}", &lookup).unwrap(), "");
    }

    #[test]
    fn required_variables_fail_with_their_message() {
        let err = with_defaults("${JWT_SECRET:?set it}").unwrap_err();
        assert_eq!(
            err,
            InterpolationError::Required {
                name: "JWT_SECRET".into(),
                message: "set it".into()
            }
        );
    }

    #[test]
    fn malformed_references_are_errors() {
        assert_eq!(with_defaults("${A"), Err(InterpolationError::Unclosed(0)));
        assert!(matches!(
            with_defaults("x ${}"),
            Err(InterpolationError::InvalidName { at: 2, .. })
        ));
        assert!(matches!(
            with_defaults("${A B}"),
            Err(InterpolationError::InvalidName { .. })
        ));
        assert_eq!(with_defaults("5$"), Err(InterpolationError::LoneDollar(1)));
        assert_eq!(with_defaults("$ 1"), Err(InterpolationError::LoneDollar(0)));
    }

    proptest! {
        #[test]
        fn no_input_panics(text in ".{0,64}") {
            let _ = references(&text);
            let _ = with_defaults(&text);
        }

        #[test]
        fn text_without_dollars_is_unchanged(text in "[^$]{0,64}") {
            prop_assert_eq!(with_defaults(&text).unwrap(), text.clone());
            prop_assert!(references(&text).unwrap().is_empty());
        }

        #[test]
        fn a_default_reference_resolves_to_its_default(
            name in "[A-Z_][A-Z0-9_]{0,12}",
            default in "[a-z0-9:/@._-]{0,20}",
        ) {
            let text = format!("${{{name}:-{default}}}");
            prop_assert_eq!(with_defaults(&text).unwrap(), default.clone());
            let refs = references(&text).unwrap();
            prop_assert_eq!(refs.len(), 1);
            prop_assert_eq!(&refs[0].name, &name);
            prop_assert_eq!(&refs[0].fallback, &Fallback::Default(default));
        }
    }
}
