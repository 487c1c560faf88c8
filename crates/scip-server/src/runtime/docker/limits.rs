//! Container resource limits in the notation scenarios use: a memory size such as `256m` and
//! a CPU quota in microseconds per 100 ms period.

/// Memory limit when the team sets none: 256 MiB.
pub const DEFAULT_MEMORY_LIMIT: &str = "256m";
/// CPU quota when the team sets none: 25 ms per 100 ms, a quarter of a CPU.
pub const DEFAULT_CPU_QUOTA: i64 = 25_000;
/// The CPU period the quota is measured against, in microseconds.
pub const CPU_PERIOD_US: i64 = 100_000;
/// The smallest memory limit the Docker engine accepts (6 MiB).
pub const MIN_MEMORY_BYTES: i64 = 6 * 1024 * 1024;
/// The smallest CPU quota the Docker engine accepts, in microseconds.
pub const MIN_CPU_QUOTA: i64 = 1_000;

/// A resource limit the Docker engine would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// Not a size in Docker notation.
    #[error("memory limit {value:?} is not a size such as 256m, 512MiB or 1g")]
    MemoryNotASize {
        /// The text given.
        value: String,
    },
    /// A size too large to count in bytes.
    #[error("memory limit {value:?} is too large")]
    MemoryTooLarge {
        /// The text given.
        value: String,
    },
    /// Below the engine's minimum.
    #[error("memory limit {value:?} is below Docker's minimum of 6 MiB")]
    MemoryTooSmall {
        /// The text given.
        value: String,
    },
    /// Below the engine's minimum (or not positive).
    #[error(
        "CPU quota {value} is below Docker's minimum of {MIN_CPU_QUOTA} µs per {CPU_PERIOD_US} µs \
         period (25000 is a quarter of a CPU)"
    )]
    CpuQuotaTooSmall {
        /// The quota given.
        value: i64,
    },
}

/// Reads a memory size in Docker's notation into bytes: a number (decimals allowed), an
/// optional space, then an optional unit `k`, `m`, `g`, `t` or `p` (powers of 1024, any case)
/// optionally followed by `i` and/or `b`: `256m`, `256MB`, `1.5GiB`, `268435456`.
pub fn parse_memory_limit(text: &str) -> Result<i64, LimitError> {
    let not_a_size = || LimitError::MemoryNotASize {
        value: text.to_owned(),
    };
    let trimmed = text.trim();
    let number_end = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(number_end);
    let unit = unit.strip_prefix(' ').unwrap_or(unit);
    let shift = unit_shift(unit).ok_or_else(not_a_size)?;

    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
        return Err(not_a_size());
    }
    if number.ends_with('.') {
        return Err(not_a_size());
    }
    let too_large = || LimitError::MemoryTooLarge {
        value: text.to_owned(),
    };
    let multiplier: u128 = 1u128 << shift;
    let whole: u128 = whole.parse().map_err(|_| too_large())?;
    // Only as many fraction digits as can matter: 1 PiB needs 16 decimals to resolve a byte.
    let fraction = &fraction[..fraction.len().min(18)];
    let fraction_bytes = if fraction.is_empty() {
        0
    } else {
        let numerator: u128 = fraction.parse().map_err(|_| not_a_size())?;
        numerator * multiplier / 10u128.pow(fraction.len() as u32)
    };
    let bytes = whole
        .checked_mul(multiplier)
        .and_then(|b| b.checked_add(fraction_bytes))
        .ok_or_else(too_large)?;
    let bytes = i64::try_from(bytes).map_err(|_| too_large())?;
    if bytes < MIN_MEMORY_BYTES {
        return Err(LimitError::MemoryTooSmall {
            value: text.to_owned(),
        });
    }
    Ok(bytes)
}

/// Bits to shift for a unit suffix, or `None` if it is not one.
fn unit_shift(unit: &str) -> Option<u32> {
    let lower = unit.to_ascii_lowercase();
    let mut chars = lower.chars();
    let shift = match chars.clone().next() {
        None => return Some(0),
        Some('k') => 10,
        Some('m') => 20,
        Some('g') => 30,
        Some('t') => 40,
        Some('p') => 50,
        Some(_) => 0,
    };
    if shift > 0 {
        chars.next();
    }
    let rest: String = chars.collect();
    matches!(rest.as_str(), "" | "b" | "i" | "ib").then_some(shift)
}

/// Checks a CPU quota (microseconds per [`CPU_PERIOD_US`]).
pub fn check_cpu_quota(quota: i64) -> Result<i64, LimitError> {
    if quota < MIN_CPU_QUOTA {
        return Err(LimitError::CpuQuotaTooSmall { value: quota });
    }
    Ok(quota)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use proptest::prelude::*;

    use super::*;

    const MIB: i64 = 1024 * 1024;

    #[test]
    fn default_limit_is_256_mebibytes() {
        assert_eq!(parse_memory_limit(DEFAULT_MEMORY_LIMIT), Ok(256 * MIB));
    }

    #[test]
    fn units_are_powers_of_1024_in_any_case_with_optional_i_and_b() {
        assert_eq!(parse_memory_limit("256M"), Ok(256 * MIB));
        assert_eq!(parse_memory_limit("256mb"), Ok(256 * MIB));
        assert_eq!(parse_memory_limit("256MiB"), Ok(256 * MIB));
        assert_eq!(parse_memory_limit("256 m"), Ok(256 * MIB));
        assert_eq!(parse_memory_limit("1g"), Ok(1024 * MIB));
        assert_eq!(parse_memory_limit("1.5g"), Ok(1536 * MIB));
        assert_eq!(parse_memory_limit("8192k"), Ok(8 * MIB));
        assert_eq!(parse_memory_limit("268435456"), Ok(256 * MIB));
        assert_eq!(parse_memory_limit("268435456b"), Ok(256 * MIB));
    }

    #[test]
    fn text_that_is_not_a_size_is_refused_with_the_value() {
        for bad in [
            "", "m", "256x", "-256m", "256mm", "1.g", ".5g", "1..5g", "256 mb x", "2e9",
        ] {
            let err = parse_memory_limit(bad).unwrap_err();
            assert_eq!(
                err,
                LimitError::MemoryNotASize {
                    value: bad.to_owned()
                },
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_memory_limit("256x").unwrap_err().to_string(),
            "memory limit \"256x\" is not a size such as 256m, 512MiB or 1g"
        );
    }

    #[test]
    fn sizes_below_docker_minimum_or_too_large_are_refused() {
        assert!(matches!(
            parse_memory_limit("5m"),
            Err(LimitError::MemoryTooSmall { .. })
        ));
        assert_eq!(parse_memory_limit("6m"), Ok(6 * MIB));
        assert!(matches!(
            parse_memory_limit("99999999p"),
            Err(LimitError::MemoryTooLarge { .. })
        ));
        assert!(matches!(
            parse_memory_limit("999999999999999999999999999999999999999999"),
            Err(LimitError::MemoryTooLarge { .. })
        ));
    }

    #[test]
    fn cpu_quota_below_one_millisecond_is_refused() {
        assert_eq!(check_cpu_quota(DEFAULT_CPU_QUOTA), Ok(25_000));
        assert_eq!(check_cpu_quota(200_000), Ok(200_000));
        let err = check_cpu_quota(0).unwrap_err();
        assert!(err.to_string().contains("CPU quota 0 is below"), "{err}");
        assert!(check_cpu_quota(-1).is_err());
    }

    proptest! {
        #[test]
        fn whole_sizes_with_units_parse_to_exact_bytes(
            n in 6u64..100_000,
            unit in prop::sample::select(vec![("k", 10u32), ("m", 20), ("g", 30)]),
            upper in any::<bool>(),
            suffix in prop::sample::select(vec!["", "b", "i", "ib"]),
        ) {
            let unit_text = if upper { unit.0.to_uppercase() } else { unit.0.to_owned() };
            let text = format!("{n}{unit_text}{suffix}");
            let expected = i64::try_from(n << unit.1).unwrap();
            match parse_memory_limit(&text) {
                Ok(bytes) => prop_assert_eq!(bytes, expected),
                Err(LimitError::MemoryTooSmall { .. }) => prop_assert!(expected < MIN_MEMORY_BYTES),
                Err(other) => prop_assert!(false, "{text}: {other}"),
            }
        }

        #[test]
        fn any_text_gives_a_size_of_at_least_6_mib_or_an_error(text in ".{0,24}") {
            if let Ok(bytes) = parse_memory_limit(&text) {
                prop_assert!(bytes >= MIN_MEMORY_BYTES);
            }
        }

        #[test]
        fn numeric_looking_text_never_panics(text in "[0-9. ]{0,30}[kKmMgGtTpPiIbB]{0,3}") {
            let _ = parse_memory_limit(&text);
        }
    }
}
