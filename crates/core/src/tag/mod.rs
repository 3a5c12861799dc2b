//! Tagging: named entities (person, organisation, location, other) and titles/roles over the
//! segment tokens.
