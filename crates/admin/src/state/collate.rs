//! How the page orders things: one stable sort of row indices that every
//! sort goes through ([`sort_u32`]), and texts compared without ASCII case
//! ([`cmp_folded`], [`cmp_ignore_case`]). The table, the directory's
//! indexes and the departments view all use these, and know nothing of
//! each other.

use std::cmp::Ordering;

/// Sorts indices by `compare`, stably. Every sort of the page goes through
/// this one function, so the page carries one copy of the sort's code
/// (each `sort_by` with its own closure would be another few kilobytes).
pub fn sort_u32(indices: &mut [u32], compare: &dyn Fn(u32, u32) -> Ordering) {
    indices.sort_by(|a, b| compare(*a, *b));
}

/// Compares without ASCII case, then exactly (a total order for sorting).
pub fn cmp_folded(a: &str, b: &str) -> Ordering {
    cmp_ignore_case(a, b).then_with(|| a.cmp(b))
}

/// Compares without ASCII case only (equal when they differ in case alone).
pub fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_differing_in_ascii_case_only_sort_together_in_a_fixed_order() {
        let mut names = vec!["bob", "Ada", "ada", "Bob", "Zoë"];
        names.sort_by(|a, b| cmp_folded(a, b));
        assert_eq!(names, ["Ada", "ada", "Bob", "bob", "Zoë"]);
        assert!(cmp_ignore_case("LI LEI", "li lei").is_eq());
    }
}
