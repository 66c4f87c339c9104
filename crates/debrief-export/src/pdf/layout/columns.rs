//! Table column widths from what the cells hold.

use super::lines::{Word, natural_width, words};
use super::{CONTENT_W, PAD_X, TABLE};
use crate::ir::Rich;
use crate::pdf::font::{FontId, Fonts};

/// Column widths: a column whose content fits in its share of the width
/// (by the relative `weights`) gets just what it needs, the rest share what
/// is left; no column is narrower than its longest word when that can be
/// helped, so labels such as "Communication" are not broken.
pub(super) fn column_widths(
    head: &[Rich],
    cells: &[Vec<Vec<Word>>],
    weights: &[f32],
    cols: usize,
    fonts: &Fonts,
) -> Vec<f32> {
    let pad = 2.0 * PAD_X;
    let mut natural = vec![0.0_f32; cols];
    let mut minimum = vec![0.0_f32; cols];
    for (c, h) in head.iter().enumerate().take(cols) {
        let (n, m) = natural_width(&words(h, FontId::Bold, TABLE, fonts), TABLE, fonts);
        natural[c] = n + pad;
        minimum[c] = m + pad;
    }
    for row in cells {
        for (c, w) in row.iter().enumerate().take(cols) {
            let (n, m) = natural_width(w, TABLE, fonts);
            natural[c] = natural[c].max(n + pad);
            minimum[c] = minimum[c].max((m + pad).min(CONTENT_W * 0.3));
        }
    }
    let weight = |c: usize| weights.get(c).copied().filter(|w| *w > 0.0).unwrap_or(1.0);
    let mut width = vec![0.0_f32; cols];
    let mut fixed = vec![false; cols];
    let mut remaining = CONTENT_W;
    loop {
        let total: f32 = (0..cols).filter(|&c| !fixed[c]).map(weight).sum();
        if total <= 0.0 {
            break;
        }
        // the column that needs the smallest part of its share goes first
        let fits = (0..cols)
            .filter(|&c| !fixed[c] && natural[c] <= remaining * weight(c) / total)
            .min_by(|&a, &b| (natural[a] / weight(a)).total_cmp(&(natural[b] / weight(b))));
        match fits {
            Some(c) => {
                width[c] = natural[c];
                fixed[c] = true;
                remaining -= natural[c];
            }
            None => {
                for c in (0..cols).filter(|&c| !fixed[c]) {
                    width[c] = remaining * weight(c) / total;
                }
                break;
            }
        }
    }
    if fixed.iter().all(|f| *f) && remaining > 0.0 {
        // everything fits: the widest column by weight takes the spare width
        let widest = (0..cols)
            .max_by(|&a, &b| weight(a).total_cmp(&weight(b)))
            .unwrap_or(0);
        width[widest] += remaining;
    }
    // widen columns narrower than their longest word, taking the room from
    // the columns that have more than theirs
    let short: f32 = (0..cols).map(|c| (minimum[c] - width[c]).max(0.0)).sum();
    let spare: f32 = (0..cols).map(|c| (width[c] - minimum[c]).max(0.0)).sum();
    if short > 0.0 && spare > 0.0 {
        let take = short.min(spare) / spare;
        let give = short.min(spare) / short;
        for c in 0..cols {
            if width[c] < minimum[c] {
                width[c] += (minimum[c] - width[c]) * give;
            } else {
                width[c] -= (width[c] - minimum[c]) * take;
            }
        }
    }
    width
}
