//! The embedded files and their attribution.

use sha2::{Digest, Sha256};

/// The attribution that must accompany anything built from the public files.
pub const ATTRIBUTION: &str = "Contains public sector information licensed under the Open Government Licence v3.0: \
Department for Education (children's social work workforce, children in need, children looked after, child protection plans, EHC plans, early education (LAIT), statistical neighbours, \
geography lookups) and Office for National Statistics (Census 2021 ethnic group, mid-year population estimates, \
local authority lookups; Crown copyright).";

/// One embedded file.
pub struct EmbeddedFile {
    pub name: &'static str,
    pub text: &'static str,
}

impl EmbeddedFile {
    /// SHA-256 of the file's text, used to load each file once and reload it only if it changes.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }
}

macro_rules! embed {
    ($($konst:ident => $path:literal),+ $(,)?) => {
        $(pub(crate) const $konst: EmbeddedFile = EmbeddedFile {
            name: $path,
            text: include_str!(concat!("../../../data/", $path)),
        };)+
        /// Every embedded file, public data first.
        pub const EMBEDDED_FILES: &[EmbeddedFile] = &[$($konst),+];
    };
}

embed! {
    LAS => "public/dfe_geog_las.csv",
    HIERARCHY => "public/dfe_geog_region_la_hierarchy.csv",
    REGIONS => "public/dfe_geog_regions.csv",
    LTLA => "public/LTLA-UTLA_Apr23_Lookup_England-Wales.csv",
    NEIGHBOURS => "public/sn_model_2025_wide.csv",
    ETHNICITY_LA => "public/ons-ethnic-population-la.csv",
    ETHNICITY_REG => "public/ons-ethnic-population-reg.csv",
    ETHNICITY_NAT => "public/ons-ethnic-population-nat.csv",
    POPULATION => "public/ons_mid-year_population_estimates_2012_to_2024.csv",
    INDICATORS_FILE => "public/csww_indicators_2017_to_2025.csv",
    SW_ETHNICITY => "public/csww_workforce_role_by_ethnicity_2019_to_2022.csv",
    CLA_SW => "public/la_cla_swcount.csv",
    CHILDREN_IN_NEED => "public/b1_children_in_need_2013_to_2025.csv",
    LAIT => "public/lait_demand_drivers_2016_to_2025.csv",
    SOURCES => "public/SOURCES.md",
    DRIVER_MAP => "cws/demand_drivers.csv",
    ROLES => "cws/roles.csv",
}
