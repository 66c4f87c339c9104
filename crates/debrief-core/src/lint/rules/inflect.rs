//! Verb forms for rewrites: past participles from past and base forms.

#[rustfmt::skip]
pub(super) const IRREGULAR: &[(&str, &str)] = &[
    ("broke", "broken"), ("forgot", "forgotten"), ("overrode", "overridden"), ("overwrote", "overwritten"),
    ("misread", "misread"), ("misunderstood", "misunderstood"), ("mistook", "mistaken"), ("left", "left"),
    ("gave", "given"), ("ran", "run"), ("sent", "sent"), ("shut", "shut"), ("wrote", "written"),
    ("took", "taken"), ("put", "put"), ("set", "set"), ("cut", "cut"), ("lost", "lost"), ("hid", "hidden"),
    ("threw", "thrown"), ("stole", "stolen"), ("undid", "undone"), ("did", "done"), ("made", "made"),
    ("kept", "kept"), ("let", "let"), ("shared", "shared"), ("got", "got"), ("drove", "driven"),
    ("chose", "chosen"), ("froze", "frozen"), ("spoke", "spoken"), ("saw", "seen"), ("knew", "known"),
    ("read", "read"), ("held", "held"), ("reset", "reset"), ("spread", "spread"), ("hit", "hit"),
];

/// The past participle of a past-tense verb, when it is one.
pub(super) fn past_participle(w: &str) -> Option<String> {
    if let Some((_, p)) = IRREGULAR.iter().find(|(k, _)| *k == w) {
        return Some((*p).to_string());
    }
    if w.ends_with("ed") && w.len() > 3 {
        return Some(w.to_string());
    }
    None
}

#[rustfmt::skip]
pub(super) const IRREGULAR_BASE: &[(&str, &str)] = &[
    ("set", "set"), ("run", "run"), ("put", "put"), ("take", "taken"), ("send", "sent"), ("write", "written"),
    ("do", "done"), ("make", "made"), ("get", "got"), ("give", "given"), ("see", "seen"), ("keep", "kept"),
    ("shut", "shut"), ("read", "read"), ("tell", "told"), ("find", "found"), ("bring", "brought"),
    ("build", "built"), ("leave", "left"), ("hold", "held"), ("let", "let"), ("cut", "cut"),
    ("rebuild", "rebuilt"), ("rerun", "rerun"), ("reset", "reset"), ("override", "overridden"),
    ("rewrite", "rewritten"), ("undo", "undone"), ("spin", "spun"), ("tear", "torn"), ("lock", "locked"),
    ("stop", "stopped"), ("drop", "dropped"), ("ship", "shipped"), ("plan", "planned"), ("commit", "committed"),
    ("submit", "submitted"), ("tag", "tagged"), ("log", "logged"), ("scan", "scanned"), ("pin", "pinned"),
    ("flag", "flagged"), ("map", "mapped"), ("wrap", "wrapped"), ("audit", "audited"), ("edit", "edited"),
    ("visit", "visited"), ("limit", "limited"), ("permit", "permitted"), ("admit", "admitted"),
    ("refer", "referred"), ("transfer", "transferred"), ("patch", "patched"),
];

/// "renew" → "renewed", "set" → "set", "apply" → "applied".
pub(super) fn participle_of_base(w: &str) -> String {
    if let Some((_, p)) = IRREGULAR_BASE.iter().find(|(k, _)| *k == w) {
        return (*p).to_string();
    }
    if w.ends_with("ed") {
        return w.to_string();
    }
    if w.ends_with('e') {
        return format!("{w}d");
    }
    let b = w.as_bytes();
    if b.len() > 2
        && b[b.len() - 1] == b'y'
        && !matches!(b[b.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u')
    {
        return format!("{}ied", &w[..w.len() - 1]);
    }
    format!("{w}ed")
}
