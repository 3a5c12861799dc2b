//! What the trained stages share: stable hashing and a seeded PRNG (`hash`), the averaged
//! perceptron and its quantised runtime form (`perceptron`), and the model file (`format`).

pub mod format;
pub mod hash;
pub mod perceptron;

/// The shape class of a character: `X` upper case, `x` lower case, `d` digit, `a` other
/// letter, 0 for anything else.
pub fn char_class(c: char) -> u8 {
    if c.is_uppercase() {
        b'X'
    } else if c.is_lowercase() {
        b'x'
    } else if c.is_numeric() {
        b'd'
    } else if c.is_alphabetic() {
        b'a'
    } else {
        0
    }
}
