//! Size and SHA-256 of bytes as they are written or read, so every entry is checksummed in
//! the same pass that writes or reads it.

use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// Size and SHA-256 of an entry's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntryDigest {
    /// Bytes counted.
    pub size: u64,
    /// Lowercase hex SHA-256.
    pub sha256: String,
}

/// Counts and hashes bytes.
#[derive(Default)]
pub(crate) struct Hasher {
    sha: Sha256,
    size: u64,
}

impl Hasher {
    /// Adds bytes.
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.sha.update(bytes);
        self.size += bytes.len() as u64;
    }

    /// The digest of everything seen.
    pub(crate) fn finish(self) -> EntryDigest {
        EntryDigest {
            size: self.size,
            sha256: hex::encode(self.sha.finalize()),
        }
    }
}

/// A reader that hashes what it reads.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: Hasher,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Hasher::default(),
        }
    }

    /// The digest of what was read.
    pub(crate) fn finish(self) -> EntryDigest {
        self.hasher.finish()
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hasher_and_reader_agree_with_the_known_digest() {
        let mut hasher = Hasher::default();
        hasher.update(b"ab");
        hasher.update(b"c");
        let digest = hasher.finish();
        assert_eq!(
            digest.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(digest.size, 3);
        let mut r = HashingReader::new(&b"abc"[..]);
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
        assert_eq!(r.finish(), digest);
    }
}
