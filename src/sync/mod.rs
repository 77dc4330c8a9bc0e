//! Provisioning engine.
