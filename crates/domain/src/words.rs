//! Small helpers for messages that read correctly: "1 area", "2 areas", "an ethnicity".

/// `n` with the noun in the singular or plural: `count(1, "area")` is "1 area",
/// `count(3, "area")` "3 areas". For nouns whose plural is not "+s", see [`count_as`].
pub fn count(n: impl Into<u64>, singular: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {singular}s")
    }
}

/// `n` with the noun given in both forms: `count_as(2, "query", "queries")`.
pub fn count_as(n: impl Into<u64>, singular: &str, plural: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

/// The word with its indefinite article: "a sector", "an ethnicity".
pub fn with_article(word: &str) -> String {
    format!("{} {word}", article(word))
}

/// "a" or "an" for the word, by its first letter (good enough for cws's own nouns).
pub fn article(word: &str) -> &'static str {
    match word
        .trim_start()
        .chars()
        .next()
        .map(|c| c.to_ascii_lowercase())
    {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_articles_read_correctly() {
        assert_eq!(count(1u32, "area"), "1 area");
        assert_eq!(count(0u32, "area"), "0 areas");
        assert_eq!(count(33u32, "area"), "33 areas");
        assert_eq!(count_as(1u32, "query", "queries"), "1 query");
        assert_eq!(count_as(2u32, "query", "queries"), "2 queries");
        assert_eq!(with_article("ethnicity"), "an ethnicity");
        assert_eq!(with_article("sector"), "a sector");
        assert_eq!(with_article("Ethnicity"), "an Ethnicity");
    }
}
