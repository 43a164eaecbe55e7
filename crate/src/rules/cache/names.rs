//! Names that say "cache" or "key": the words of an identifier, a cache key's name, a
//! cache object's name.

/// Words that make a `..._key` name something other than a cache key.
const NOT_CACHE_KEY_WORDS: &[&str] = &[
    "secret",
    "api",
    "private",
    "public",
    "signing",
    "sign",
    "signature",
    "encryption",
    "crypto",
    "license",
    "access",
    "sort",
    "primary",
    "foreign",
    "idempotency",
    "session",
    "ssh",
    "rsa",
    "hmac",
    "s3",
    "object",
    "file",
    "upload",
    "bucket",
    "storage",
    "path",
];

/// Lowercase words of an identifier: `CACHE_PREFIX` -> cache, prefix; `cacheKey` ->
/// cache, key.
pub(super) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '.' {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A name that says it holds (or makes) a cache key: it mentions `cache`, or it has a
/// word `key`/`keys` and no word that makes it another kind of key (`secret_key`,
/// `api_key`, `sort_key`).
pub fn is_key_name(name: &str) -> bool {
    let words = words(name);
    // `cache_bust`, `cachebuster`: a URL version string, not a key.
    if words.iter().any(|w| w.contains("bust")) {
        return false;
    }
    if words.iter().any(|w| w.contains("cache")) {
        return true;
    }
    words.iter().any(|w| w == "key" || w == "keys")
        && !words
            .iter()
            .any(|w| NOT_CACHE_KEY_WORDS.contains(&w.as_str()))
}

/// A name for a cache object: a word `cache`/`caches` or one ending in `cache`
/// (`cache`, `self.cache`, `default_cache`, `Rendition.cache_backend`, `pageCache`).
pub(super) fn is_cache_object_name(name: &str) -> bool {
    words(name)
        .iter()
        .any(|w| w == "caches" || w.ends_with("cache"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("CACHE_PREFIX"), vec!["cache", "prefix"]);
        assert_eq!(words("cacheKey"), vec!["cache", "key"]);
        assert_eq!(words("_key_to_file"), vec!["key", "to", "file"]);
        assert_eq!(
            words("self.cache_backend"),
            vec!["self", "cache", "backend"]
        );
    }

    #[test]
    fn key_names() {
        for yes in [
            "cache_key",
            "key",
            "make_template_fragment_key",
            "CACHE_PREFIX",
            "get_cache_key",
            "lookupKey",
            "filters_cache",
        ] {
            assert!(is_key_name(yes), "{yes}");
        }
        for no in [
            "secret_key",
            "api_key",
            "sort_key",
            "file_hash",
            "names_digest",
            "monkey",
            "keyboard",
            "hashed_name",
            "session_key",
            "s3_key",
            "upload_key",
            "cache_bust",
            "cachebuster",
        ] {
            assert!(!is_key_name(no), "{no}");
        }
    }

    #[test]
    fn cache_object_names() {
        for yes in [
            "cache",
            "self.cache",
            "default_cache",
            "cache_backend",
            "pageCache",
        ] {
            assert!(is_cache_object_name(yes), "{yes}");
        }
        for no in ["cached", "cached_value", "data", "request.session"] {
            assert!(!is_cache_object_name(no), "{no}");
        }
    }
}
