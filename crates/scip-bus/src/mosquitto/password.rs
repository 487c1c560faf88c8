//! Mosquitto 2 password hashes, `$7$<iterations>$<salt>$<hash>`: PBKDF2-HMAC-SHA512 with a
//! 12-byte random salt and a 64-byte result, both in standard Base64 — what `mosquitto_passwd`
//! writes (it uses 101 iterations; the iteration count travels in the hash).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::Hmac;
use rand::Rng as _;
use sha2::Sha512;
use subtle::ConstantTimeEq;

/// Iterations SCIP uses by default: ten times `mosquitto_passwd`'s 101, still about a
/// millisecond per CONNECT for Mosquitto.
pub const DEFAULT_ITERATIONS: u32 = 1000;

const SALT_LEN: usize = 12;
const HASH_LEN: usize = 64;

/// Hashes `password` for Mosquitto's `password_file` with a fresh random salt.
pub fn hash_password(password: &str, iterations: u32) -> String {
    let mut salt = [0u8; SALT_LEN];
    rand::rng().fill_bytes(&mut salt);
    hash_with_salt(password.as_bytes(), &salt, iterations.max(1))
}

fn hash_with_salt(password: &[u8], salt: &[u8], iterations: u32) -> String {
    let hash = derive(password, salt, iterations);
    format!(
        "$7${iterations}${}${}",
        BASE64.encode(salt),
        BASE64.encode(hash)
    )
}

fn derive(password: &[u8], salt: &[u8], iterations: u32) -> [u8; HASH_LEN] {
    let mut out = [0u8; HASH_LEN];
    // HMAC takes keys of any length, so this cannot fail.
    let _ = pbkdf2::pbkdf2::<Hmac<Sha512>>(password, salt, iterations, &mut out);
    out
}

/// Whether `password` matches a `$7$` hash (as Mosquitto checks it). `false` for anything
/// that is not a well-formed `$7$` hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Some(rest) = hash.strip_prefix("$7$") else {
        return false;
    };
    let mut parts = rest.split('$');
    let (Some(iterations), Some(salt), Some(expected), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(iterations), Ok(salt), Ok(expected)) = (
        iterations.parse::<u32>(),
        BASE64.decode(salt),
        BASE64.decode(expected),
    ) else {
        return false;
    };
    if iterations == 0 || expected.len() != HASH_LEN {
        return false;
    }
    derive(password.as_bytes(), &salt, iterations)
        .ct_eq(&expected)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written by `mosquitto_passwd -b pw alice secret` (Mosquitto 2.0.11).
    const FROM_MOSQUITTO_PASSWD: &str = "$7$101$6VtXlutIDhSVWiO8$kZbUF6aG0/LpOAM0Dntx2d1hldZJKgj7ysFFLi894QKI3VFz129dnZCJM/s7krnejut3VknzK4Lg78nDMBLDeg==";

    #[test]
    fn a_hash_from_mosquitto_passwd_verifies() {
        assert!(verify_password("secret", FROM_MOSQUITTO_PASSWD));
        assert!(!verify_password("Secret", FROM_MOSQUITTO_PASSWD));
    }

    #[test]
    fn our_hash_has_mosquittos_shape_and_verifies() {
        let h = hash_password("pa:ss w0rd", 101);
        let parts: Vec<&str> = h.split('$').collect();
        assert_eq!(parts[..3], ["", "7", "101"]);
        assert_eq!(parts[3].len(), 16, "12-byte salt in Base64");
        assert_eq!(parts[4].len(), 88, "64-byte hash in Base64");
        assert!(verify_password("pa:ss w0rd", &h));
        assert!(!verify_password("pa:ss w0rd ", &h));
    }

    #[test]
    fn salts_differ() {
        assert_ne!(hash_password("x", 1), hash_password("x", 1));
    }

    #[test]
    fn malformed_hashes_never_verify() {
        for bad in [
            "",
            "$6$x$y",
            "$7$",
            "$7$abc$AAAA$AAAA",
            "$7$0$AAAA$AAAA",
            "$7$1$!!$AAAA",
        ] {
            assert!(!verify_password("x", bad), "{bad:?}");
        }
    }
}
