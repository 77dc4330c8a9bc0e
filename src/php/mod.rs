//! PHP binding layer.
