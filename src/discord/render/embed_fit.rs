//! Embed fields fitted under Discord's limits: 1024 characters a field, 6000 an embed.

use super::clip;

/// Discord's limit on an embed field's value.
pub const FIELD_MAX: usize = 1024;
/// Discord's limit on an embed's title, field names and values together.
const EMBED_MAX: usize = 6000;
/// What the embed may use, a little under the limit (the timestamp and margins).
pub const EMBED_BUDGET: usize = EMBED_MAX - 200;
/// The least a shrunk field keeps.
pub const FIELD_MIN: usize = 64;

/// An embed field before it is sent, so the whole can be fitted under the limit.
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
    /// When the embed is too long, fields shrink in this order (lowest first); `None`
    /// never shrinks.
    pub shrink_rank: Option<u8>,
}

impl Field {
    pub fn new(name: String, value: String, inline: bool) -> Field {
        Field {
            name,
            value: clip(value, FIELD_MAX),
            inline,
            shrink_rank: None,
        }
    }

    /// A long field that gives way first, by `rank`, when the embed is too long.
    pub fn shrinkable(name: String, value: String, rank: u8) -> Field {
        Field {
            shrink_rank: Some(rank),
            ..Field::new(name, value, false)
        }
    }

    fn chars(&self) -> usize {
        self.name.chars().count() + self.value.chars().count()
    }
}

/// Shrinks the shrinkable fields, by rank, until the embed fits.
pub fn fit(title: &str, fields: &mut [Field]) {
    let mut order: Vec<usize> = (0..fields.len())
        .filter(|&index| fields[index].shrink_rank.is_some())
        .collect();
    order.sort_by_key(|&index| fields[index].shrink_rank);
    for index in order {
        let total: usize = title.chars().count() + fields.iter().map(Field::chars).sum::<usize>();
        let Some(excess) = total.checked_sub(EMBED_BUDGET).filter(|excess| *excess > 0) else {
            return;
        };
        let field = &mut fields[index];
        let keep = field
            .value
            .chars()
            .count()
            .saturating_sub(excess)
            .max(FIELD_MIN);
        field.value = clip(std::mem::take(&mut field.value), keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, chars: usize, rank: Option<u8>) -> Field {
        let mut field = Field::new(name.to_owned(), "x".repeat(chars), false);
        field.shrink_rank = rank;
        field
    }

    fn total(title: &str, fields: &[Field]) -> usize {
        title.chars().count() + fields.iter().map(Field::chars).sum::<usize>()
    }

    #[test]
    fn an_embed_is_fitted_under_discords_total_shrinking_details_first() {
        let title = "Dossier SB-ABCD · ouvert";
        // Ranks as the queue post gives them: details, evidence, history, protection.
        let mut fields: Vec<Field> = [
            ("details", Some(0)),
            ("evidence", Some(1)),
            ("history", Some(2)),
            ("protection", Some(3)),
            ("reason", None),
            ("reported", None),
            ("victim", None),
        ]
        .into_iter()
        .map(|(name, rank)| field(name, 5000, rank))
        .collect();
        assert_eq!(
            fields[0].value.chars().count(),
            FIELD_MAX,
            "clipped per field"
        );
        fit(title, &mut fields);
        assert!(total(title, &fields) <= EMBED_BUDGET);
        assert_eq!(
            fields[0].value.chars().count(),
            FIELD_MIN,
            "details go first"
        );
        let evidence = fields[1].value.chars().count();
        assert!(FIELD_MIN < evidence && evidence < FIELD_MAX, "{evidence}");
        assert_eq!(fields[2].value.chars().count(), FIELD_MAX, "history kept");
        assert_eq!(
            fields[6].value.chars().count(),
            FIELD_MAX,
            "fields not named are kept"
        );

        let mut small = vec![
            field("details", 100, Some(0)),
            field("evidence", 100, Some(1)),
        ];
        fit(title, &mut small);
        assert_eq!(
            small[0].value.chars().count(),
            100,
            "nothing shrinks when it fits"
        );
    }
}
