//! The cells of the model: age bands and qualification tiers, and the flat index of a
//! (role group, age band, tier) cell.

use cws_domain::code_enum;

code_enum!(
    /// Five-year age bands, as DfE and the ONS publish them, with the youngest and oldest
    /// open: 16–19 and 65 and over.
    AgeBand, "age band" {
        Under20 => ("under_20", "Under 20"),
        A20 => ("20_24", "20 to 24"),
        A25 => ("25_29", "25 to 29"),
        A30 => ("30_34", "30 to 34"),
        A35 => ("35_39", "35 to 39"),
        A40 => ("40_44", "40 to 44"),
        A45 => ("45_49", "45 to 49"),
        A50 => ("50_54", "50 to 54"),
        A55 => ("55_59", "55 to 59"),
        A60 => ("60_64", "60 to 64"),
        Over65 => ("65_over", "65 and over"),
    }
);

/// How many age bands there are.
pub const BANDS: usize = 11;

impl AgeBand {
    /// The band of an age in whole years (16 and under fall in the first).
    pub fn of_age(age: u32) -> AgeBand {
        let i = match age {
            0..=19 => 0,
            65.. => BANDS - 1,
            a => ((a - 20) / 5 + 1) as usize,
        };
        AgeBand::ALL[i]
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Years a person spends in the band before ageing into the next (none for the last).
    /// The first band holds ages 16 to 19.
    pub fn width(self) -> Option<f64> {
        match self {
            AgeBand::Under20 => Some(4.0),
            AgeBand::Over65 => None,
            _ => Some(5.0),
        }
    }

    /// The age at the band's start (16 for the first).
    pub fn start(self) -> u32 {
        match self {
            AgeBand::Under20 => 16,
            b => 15 + 5 * b.index() as u32,
        }
    }
}

code_enum!(
    /// Qualification tiers the training lever moves people between: below Level 3, Level 3
    /// to 5, graduate (Level 6 and above), and not known (left where it is).
    Tier, "qualification tier" {
        BelowLevel3 => ("below_3", "Below Level 3"),
        Level3To5 => ("level_3_5", "Level 3 to 5"),
        Graduate => ("graduate", "Graduate (Level 6 or above)"),
        NotKnown => ("not_known", "Not known"),
    }
);

/// How many tiers there are.
pub const TIERS: usize = 4;

impl Tier {
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The flat index of a cell among `groups` role groups.
pub fn cell(group: usize, band: usize, tier: usize) -> usize {
    (group * BANDS + band) * TIERS + tier
}

/// The flat index of a (role group, age band) pair: where rates and FTE per head are kept.
pub fn pair(group: usize, band: usize) -> usize {
    group * BANDS + band
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_fall_in_their_bands() {
        assert_eq!(AgeBand::of_age(17), AgeBand::Under20);
        assert_eq!(AgeBand::of_age(20), AgeBand::A20);
        assert_eq!(AgeBand::of_age(24), AgeBand::A20);
        assert_eq!(AgeBand::of_age(64), AgeBand::A60);
        assert_eq!(AgeBand::of_age(71), AgeBand::Over65);
        assert_eq!(AgeBand::ALL.len(), BANDS);
        for b in AgeBand::ALL {
            assert_eq!(AgeBand::of_age(b.start()), *b, "{b}");
        }
        assert_eq!(Tier::ALL.len(), TIERS);
        assert_eq!(cell(1, 0, 0), BANDS * TIERS);
    }
}
