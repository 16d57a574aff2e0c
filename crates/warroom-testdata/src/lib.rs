//! Test data for warroom's tests, benches, examples and fuzz targets: nothing the product
//! ships. A dev-dependency only, so it cannot reach the binary.
#![forbid(unsafe_code)]

pub mod drills;
pub mod sample;
