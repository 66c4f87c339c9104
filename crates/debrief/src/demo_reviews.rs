//! Blameless reviews and action items for the demo cases that reached review:
//! the Five Questions written for each kind of incident, five-whys chains that
//! end in a condition of the system, contributing factors from the built-in
//! taxonomy, lessons at all three levels, and action items in every state.
//! Deterministic for a given seed, like the cases they belong to.

use crate::demo_activity::Rng;
use crate::demo_stories::{ANYONE, LEAD, Pools, REPORTER, Story, prose};
use debrief_core::Role;
use debrief_core::case::Status;
use debrief_core::review::{ActionStatus, CheckOutcome, LessonLevel, ReviewState, day_of};
use debrief_store::action_items::{ItemRecord, NewActionItem, insert_item_records_tx};
use debrief_store::db::Conn;
use debrief_store::reviews::{
    FactorRecord, Impact, InterviewRecord, LessonRecord, ReviewRecord, WhyRecord,
    insert_review_record_tx,
};
use debrief_store::{StoreError, params};

const DAY: i64 = 24 * 3600 * 1000;
const HOUR: i64 = 3600 * 1000;

/// The people a demo review can draw on, read once per generation.
pub(crate) struct Cast {
    people: Vec<(i64, String)>,
    facilitators: Vec<i64>,
    /// Team name to member ids.
    teams: Vec<(String, Vec<i64>)>,
}

impl Cast {
    pub(crate) fn load(c: &mut dyn Conn) -> Result<Cast, StoreError> {
        // accounts that only administer Debrief take no part in reviews
        let beyond_reporting = i64::from(u16::MAX ^ Role::Reporter.bit());
        let admin = i64::from(Role::Admin.bit());
        let people = c
            .query(
                "SELECT id, name FROM users WHERE disabled = 0 AND (roles & $1) <> $2 ORDER BY id",
                &params![beyond_reporting, admin],
            )?
            .iter()
            .map(|r| Ok((r.i64(0)?, r.text(1)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let facilitators = c
            .query(
                "SELECT id FROM users WHERE disabled = 0 AND (roles & $1) <> 0 ORDER BY id",
                &params![i64::from(Role::Facilitator.bit())],
            )?
            .iter()
            .map(|r| r.i64(0))
            .collect::<Result<Vec<_>, _>>()?;
        let mut teams: Vec<(String, Vec<i64>)> = Vec::new();
        for r in &c.query(
            "SELECT t.name, m.user_id FROM teams t JOIN team_members m ON m.team_id = t.id JOIN users u ON u.id = m.user_id WHERE u.disabled = 0 AND (u.roles & $1) <> $2 ORDER BY t.id, m.user_id",
            &params![beyond_reporting, admin],
        )? {
            let (name, user) = (r.text(0)?, r.i64(1)?);
            match teams.iter_mut().find(|t| t.0 == name) {
                Some(t) => t.1.push(user),
                None => teams.push((name, vec![user])),
            }
        }
        Ok(Cast {
            people,
            facilitators,
            teams,
        })
    }

    fn name(&self, id: i64) -> Option<&str> {
        self.people.iter().find(|p| p.0 == id).map(|p| p.1.as_str())
    }

    /// A facilitator who took no part in the case: one with the facilitator
    /// role when there is one, else anyone uninvolved.
    fn facilitator(&self, rng: &mut Rng, involved: &[i64]) -> Option<i64> {
        let free: Vec<i64> = self
            .facilitators
            .iter()
            .copied()
            .filter(|f| !involved.contains(f))
            .collect();
        if !free.is_empty() {
            return Some(*rng.pick(&free));
        }
        let anyone: Vec<i64> = self
            .people
            .iter()
            .map(|p| p.0)
            .filter(|p| !involved.contains(p))
            .collect();
        (!anyone.is_empty()).then(|| *rng.pick(&anyone))
    }

    /// Someone from `team` (anyone when the team is empty or unknown) who is
    /// not in `skip`.
    fn member(&self, rng: &mut Rng, team: &str, skip: &[i64]) -> Option<i64> {
        let from_team: Vec<i64> = self
            .teams
            .iter()
            .find(|t| t.0 == team)
            .map(|t| t.1.iter().copied().filter(|m| !skip.contains(m)).collect())
            .unwrap_or_default();
        if !from_team.is_empty() {
            return Some(*rng.pick(&from_team));
        }
        let anyone: Vec<i64> = self
            .people
            .iter()
            .map(|p| p.0)
            .filter(|p| !skip.contains(p))
            .collect();
        (!anyone.is_empty()).then(|| *rng.pick(&anyone))
    }

    /// An owner from `team` when it has members, else anyone.
    fn owner(&self, rng: &mut Rng, team: &str) -> Option<i64> {
        if let Some((_, members)) = self.teams.iter().find(|t| t.0 == team)
            && !members.is_empty()
            && rng.chance(85)
        {
            return Some(*rng.pick(members));
        }
        (!self.people.is_empty()).then(|| rng.pick(&self.people).0)
    }
}

/// What the review of one case needs to know about it.
pub(crate) struct CaseFacts<'a> {
    pub case_id: i64,
    pub title: &'a str,
    pub status: Status,
    pub lead: i64,
    /// Everyone recorded as taking part in the case.
    pub participants: &'a [i64],
    pub in_review_ms: i64,
    pub published_ms: Option<i64>,
}

/// How an action item stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    OpenOverdue,
    OpenDueSoon,
    OpenLater,
    InProgress,
    Done,
    DoneCheckScheduled,
    DoneEffective,
    DoneNotEffective,
    WontDo,
}

const OUTCOMES: [Outcome; 9] = [
    Outcome::OpenOverdue,
    Outcome::OpenDueSoon,
    Outcome::OpenLater,
    Outcome::InProgress,
    Outcome::Done,
    Outcome::DoneCheckScheduled,
    Outcome::DoneEffective,
    Outcome::DoneNotEffective,
    Outcome::WontDo,
];

/// Keeps track across cases so that even a small demo shows every state of
/// an action item, and numbers tracker tickets.
#[derive(Debug)]
pub(crate) struct Coverage {
    seen: [bool; OUTCOMES.len()],
    next_ticket: u64,
    pub reviews: usize,
    pub items: usize,
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage {
            seen: [false; OUTCOMES.len()],
            next_ticket: 101,
            reviews: 0,
            items: 0,
        }
    }
}

impl Coverage {
    fn index(o: Outcome) -> usize {
        OUTCOMES.iter().position(|x| *x == o).unwrap_or(0)
    }
}

/// `about 3 hours`, `about 12 days`: a duration in words.
fn duration_words(minutes: i64) -> String {
    match minutes {
        m if m < 90 => format!("about {m} minutes"),
        m if m < 48 * 60 => format!("about {} hours", (m + 30) / 60),
        m => format!("about {} days", (m + 720) / 1440),
    }
}

/// `12,345`.
fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn fill(text: &str, impact: &Impact) -> String {
    text.replace(
        "{duration}",
        &duration_words(impact.duration_minutes.unwrap_or(0)),
    )
    .replace("{people}", &thousands(impact.people_affected.unwrap_or(0)))
    .replace(
        "{records}",
        &thousands(impact.records_affected.unwrap_or(0)),
    )
}

fn in_range(rng: &mut Rng, (lo, hi): (i64, i64)) -> Option<i64> {
    (hi > 0).then(|| lo + rng.below((hi - lo + 1).max(1) as u64) as i64)
}

/// `k` distinct indexes below `n`, in ascending order.
fn choose(rng: &mut Rng, n: usize, k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        idx.swap(i, rng.below(i as u64 + 1) as usize);
    }
    idx.truncate(k.min(n));
    idx.sort_unstable();
    idx
}

fn day(ms: i64) -> String {
    day_of(ms).format("%Y-%m-%d").to_string()
}

/// The story written for a case template's title; the first one for a title
/// the stories do not know.
fn story_for<'a>(stories: &'a [Story], title: &str) -> Option<&'a Story> {
    stories
        .iter()
        .find(|s| s.title == title)
        .or(stories.first())
}

/// Writes the review and action items of one case that reached review,
/// inside the caller's transaction.
pub(crate) fn add(
    c: &mut dyn Conn,
    rng: &mut Rng,
    cast: &Cast,
    case: &CaseFacts<'_>,
    coverage: &mut Coverage,
    now: i64,
) -> Result<(), StoreError> {
    let prose = prose().map_err(|e| StoreError::Decode(format!("built-in demo data: {e}")))?;
    let pools = &prose.pools;
    let Some(story) = story_for(&prose.stories, case.title) else {
        return Ok(());
    };
    let facilitator = cast.facilitator(rng, case.participants);
    let state = match case.status {
        Status::Published | Status::Closed => ReviewState::Published,
        _ if rng.chance(45) => ReviewState::Draft,
        _ => ReviewState::InReview,
    };
    let complete = state != ReviewState::Draft;
    let created_ms = case.in_review_ms;
    let published_ms = (state == ReviewState::Published).then(|| {
        case.published_ms
            .unwrap_or(created_ms + 10 * DAY)
            .clamp(created_ms, now)
    });
    let updated_ms = published_ms.unwrap_or_else(|| {
        let span = (now - created_ms).max(HOUR);
        created_ms + rng.below(span as u64) as i64
    });

    let spec = &story.impact;
    let impact = Impact {
        duration_minutes: in_range(rng, spec.minutes),
        people_affected: in_range(rng, spec.people),
        records_affected: in_range(rng, spec.records),
        services: spec.services.to_string(),
        cost: if complete || rng.chance(50) {
            rng.pick(&spec.cost).to_string()
        } else {
            String::new()
        },
        notes: if complete {
            spec.notes.to_string()
        } else {
            String::new()
        },
    };
    // the records figure follows the people figure when both count the same thing
    let impact = match (spec.people == spec.records, impact.people_affected) {
        (true, Some(p)) => Impact {
            records_affected: Some(p),
            ..impact
        },
        _ => impact,
    };
    let what_happened = fill(rng.pick::<String>(&story.what), &impact);
    let interpretations = if complete || rng.chance(40) {
        story.interpretations.to_string()
    } else {
        String::new()
    };

    let n_whys = match state {
        ReviewState::Draft => rng.below(2) as usize,
        _ if story.whys.len() > 1 && rng.chance(55) => 2,
        _ => 1,
    };
    let whys = choose(rng, story.whys.len(), n_whys)
        .into_iter()
        .map(|i| {
            let w = &story.whys[i];
            WhyRecord {
                problem: w.problem.to_string(),
                steps: w.steps.iter().map(|s| s.to_string()).collect(),
                systemic_condition: w.systemic.to_string(),
                restricted: false,
            }
        })
        .collect();

    let n_factors = if complete {
        2 + rng.below(3) as usize
    } else {
        rng.below(3) as usize
    };
    let factors: Vec<FactorRecord> = choose(rng, story.factors.len(), n_factors)
        .into_iter()
        .map(|i| FactorRecord {
            category: story.factors[i].category.clone(),
            explanation: story.factors[i].explanation.clone(),
            restricted: false,
        })
        .collect();

    let mut lessons = Vec::new();
    for level in LessonLevel::ALL {
        if !complete && !rng.chance(40) {
            continue;
        }
        let own: Vec<&str> = story
            .lessons
            .iter()
            .filter(|l| l.level == *level)
            .map(|l| l.text.as_str())
            .collect();
        let generic: Vec<&str> = pools
            .lessons
            .iter()
            .filter(|l| l.level == *level)
            .map(|l| l.text.as_str())
            .collect();
        let body = if own.is_empty() || (!generic.is_empty() && rng.chance(20)) {
            rng.pick(&generic)
        } else {
            rng.pick(&own)
        };
        lessons.push(LessonRecord {
            level: *level,
            body: (*body).to_string(),
            restricted: false,
        });
    }
    if complete && rng.chance(12) {
        let lesson = rng.pick(&pools.restricted_lessons);
        lessons.push(LessonRecord {
            level: lesson.level,
            body: lesson.text.clone(),
            restricted: true,
        });
    }

    let went_well = if story.went_well.is_empty() || !(complete || rng.chance(30)) {
        String::new()
    } else if rng.chance(70) {
        let mut s = rng.pick(&story.went_well).to_string();
        if rng.chance(25) {
            s.push(' ');
            s.push_str(rng.pick::<String>(&pools.went_well));
        }
        s
    } else if rng.chance(50) {
        rng.pick(&pools.went_well).to_string()
    } else {
        String::new()
    };
    let got_lucky = if complete && rng.chance(50) {
        if story.got_lucky.is_empty() || rng.chance(15) {
            rng.pick(&pools.got_lucky).to_string()
        } else {
            rng.pick(&story.got_lucky).to_string()
        }
    } else {
        String::new()
    };

    let mut interviews = Vec::new();
    if !story.interviews.is_empty() && rng.chance(if complete { 40 } else { 55 }) {
        let n = if story.interviews.len() > 1 && rng.chance(45) {
            2
        } else {
            1
        };
        let mut at = created_ms + (rng.below(4 * 24) as i64 + 2) * HOUR;
        for i in choose(rng, story.interviews.len(), n) {
            let interview = &story.interviews[i];
            let (participant, participant_id) = match interview.who.as_str() {
                LEAD => (
                    cast.name(case.lead).unwrap_or("Case lead").to_string(),
                    Some(case.lead),
                ),
                REPORTER => ("Reporter (confidential)".to_string(), None),
                who => {
                    // a team's member, or anyone from outside the case's lead and facilitator
                    let team = if who == ANYONE { "" } else { who };
                    let mut skip = vec![case.lead];
                    skip.extend(facilitator);
                    match cast.member(rng, team, &skip) {
                        Some(id) => (cast.name(id).unwrap_or("Participant").to_string(), Some(id)),
                        None => ("Participant".to_string(), None),
                    }
                }
            };
            interviews.push(InterviewRecord {
                participant,
                participant_id,
                notes: interview.notes.clone(),
                author_id: facilitator,
                at_ms: at.min(updated_ms).max(created_ms),
            });
            at += (rng.below(48) as i64 + 1) * HOUR;
        }
    }

    let (_, factor_ids) = insert_review_record_tx(
        c,
        &ReviewRecord {
            case_id: case.case_id,
            state,
            facilitator_id: facilitator,
            what_happened,
            interpretations,
            impact,
            went_well,
            got_lucky,
            whys,
            factors: factors.clone(),
            lessons,
            interviews,
            created_ms,
            created_by: Some(case.lead),
            updated_ms,
            published_ms,
            published_by: published_ms.and(facilitator.or(Some(case.lead))),
        },
    )?;
    coverage.reviews += 1;

    let n_items = match state {
        ReviewState::Draft => rng.below(3) as usize,
        ReviewState::InReview => 2 + rng.below(2) as usize,
        ReviewState::Published => 2 + rng.below(3) as usize,
    };
    let mut items = Vec::with_capacity(n_items);
    for i in choose(rng, story.actions.len(), n_items) {
        let a = &story.actions[i];
        let Some(owner) = cast.owner(rng, &a.team) else {
            continue;
        };
        let created = (created_ms + (rng.below(4 * 24) as i64 + 1) * HOUR)
            .min(now - HOUR)
            .max(created_ms);
        let factor_id = factors
            .iter()
            .position(|f| f.category == a.factor)
            .and_then(|k| factor_ids.get(k).copied())
            .filter(|_| rng.chance(80));
        let tracker_url = rng.chance(40).then(|| {
            coverage.next_ticket += 1 + rng.below(9);
            format!("https://tracker.example.org/SEC-{}", coverage.next_ticket)
        });
        let outcome = pick_outcome(rng, state, created, now, coverage);
        coverage.seen[Coverage::index(outcome)] = true;
        let checker = facilitator.unwrap_or(owner);
        items.push(item_record(
            rng,
            ItemRecord {
                item: NewActionItem {
                    case_id: case.case_id,
                    title: a.title.clone(),
                    description: a.description.clone(),
                    owner_id: owner,
                    due_day: String::new(),
                    priority: a.priority,
                    factor_id,
                    tracker_url,
                },
                status: ActionStatus::Open,
                closing_note: None,
                closed_ms: None,
                check_day: None,
                check_owner_id: None,
                check_outcome: None,
                check_note: None,
                check_done_ms: None,
                created_by: facilitator.or(Some(case.lead)),
                created_ms: created,
                updated_ms: created,
            },
            outcome,
            &a.done,
            pools,
            checker,
            now,
        ));
    }
    coverage.items += items.len();
    insert_item_records_tx(c, &items)?;
    Ok(())
}

/// Whether an item created at `created` can plausibly be in `o` today.
fn feasible(o: Outcome, created: i64, now: i64) -> bool {
    let age = now - created;
    match o {
        Outcome::OpenOverdue => age > 9 * DAY,
        Outcome::OpenDueSoon | Outcome::OpenLater | Outcome::InProgress => true,
        Outcome::Done | Outcome::WontDo | Outcome::DoneCheckScheduled => age > 4 * DAY,
        Outcome::DoneEffective | Outcome::DoneNotEffective => age > 45 * DAY,
    }
}

fn pick_outcome(
    rng: &mut Rng,
    state: ReviewState,
    created: i64,
    now: i64,
    coverage: &Coverage,
) -> Outcome {
    use Outcome::*;
    let old = now - created > 60 * DAY;
    // (outcome, weight)
    let weights: &[(Outcome, u64)] = match (state, old) {
        (ReviewState::Published, true) => &[
            (Done, 40),
            (DoneCheckScheduled, 9),
            (DoneEffective, 15),
            (DoneNotEffective, 5),
            (WontDo, 10),
            (InProgress, 8),
            (OpenOverdue, 9),
            (OpenDueSoon, 2),
            (OpenLater, 2),
        ],
        (ReviewState::Published, false) => &[
            (Done, 20),
            (DoneCheckScheduled, 12),
            (WontDo, 5),
            (InProgress, 25),
            (OpenOverdue, 10),
            (OpenDueSoon, 11),
            (OpenLater, 17),
        ],
        _ => &[
            (Done, 8),
            (WontDo, 3),
            (InProgress, 25),
            (OpenOverdue, 12),
            (OpenDueSoon, 15),
            (OpenLater, 37),
        ],
    };
    let total: u64 = weights.iter().map(|w| w.1).sum();
    let mut roll = rng.below(total);
    let mut chosen = OpenLater;
    for (o, w) in weights {
        if roll < *w {
            chosen = *o;
            break;
        }
        roll -= w;
    }
    if !feasible(chosen, created, now) {
        chosen = match chosen {
            OpenOverdue => OpenDueSoon,
            _ => InProgress,
        };
    }
    // until every state has appeared once, prefer one not yet seen
    if state != ReviewState::Draft
        && coverage.seen[Coverage::index(chosen)]
        && let Some(o) = OUTCOMES
            .iter()
            .copied()
            .find(|o| !coverage.seen[Coverage::index(*o)] && feasible(*o, created, now))
    {
        return o;
    }
    chosen
}

/// Fills in the due day, status, closing note and check of `r` for `outcome`.
fn item_record(
    rng: &mut Rng,
    mut r: ItemRecord,
    outcome: Outcome,
    done_note: &str,
    pools: &Pools,
    checker: i64,
    now: i64,
) -> ItemRecord {
    let created = r.created_ms;
    let earliest_due = created + 7 * DAY;
    let overdue = |rng: &mut Rng| {
        // due between a week after creation and yesterday
        let span = ((now - DAY - earliest_due) / DAY).clamp(0, 60);
        now - DAY - rng.below(span as u64 + 1) as i64 * DAY
    };
    let soon = |rng: &mut Rng| now + rng.below(4) as i64 * DAY;
    let later = |rng: &mut Rng| now + (rng.below(69) as i64 + 7) * DAY;
    let closed_within = |rng: &mut Rng, max_days: i64| {
        let span = ((now - created) / DAY - 1).clamp(1, max_days);
        created + (rng.below(span as u64) as i64 + 1) * DAY + rng.below(8) as i64 * HOUR
    };
    let due_ms = match outcome {
        Outcome::OpenOverdue => overdue(rng),
        Outcome::OpenDueSoon => soon(rng),
        Outcome::OpenLater => later(rng),
        Outcome::InProgress => match rng.below(10) {
            0..=3 if now - DAY > earliest_due => overdue(rng),
            4..=5 => soon(rng),
            _ => later(rng),
        },
        _ => created + (rng.below(47) as i64 + 14) * DAY,
    };
    r.item.due_day = day(due_ms);
    match outcome {
        Outcome::OpenOverdue | Outcome::OpenDueSoon | Outcome::OpenLater => {}
        Outcome::InProgress => {
            r.status = ActionStatus::InProgress;
            r.updated_ms = (created + rng.below(10) as i64 * DAY).min(now);
        }
        Outcome::WontDo => {
            let closed = closed_within(rng, 40);
            r.status = ActionStatus::WontDo;
            r.closing_note = Some(rng.pick(&pools.wont_do).to_string());
            r.closed_ms = Some(closed);
            r.updated_ms = closed;
        }
        Outcome::Done | Outcome::DoneCheckScheduled => {
            let closed = closed_within(rng, 60);
            r.status = ActionStatus::Done;
            r.closing_note = Some(done_note.to_string());
            r.closed_ms = Some(closed);
            r.updated_ms = closed;
            if outcome == Outcome::DoneCheckScheduled {
                // a month or three after closing; most long-closed ones rescheduled to come
                let mut check = closed + (rng.below(61) as i64 + 30) * DAY;
                if check < now && rng.chance(75) {
                    check = now + (rng.below(46) as i64 - 5) * DAY;
                }
                r.check_day = Some(day(check));
                r.check_owner_id = Some(checker);
            }
        }
        Outcome::DoneEffective | Outcome::DoneNotEffective => {
            // closed early enough for a check two weeks or more later to be behind us
            let age_days = (now - created) / DAY;
            let close_after = rng.below((age_days - 18).clamp(1, 40) as u64) as i64 + 1;
            let closed = created + close_after * DAY + rng.below(8) as i64 * HOUR;
            let room = ((now - closed) / DAY - 2).max(14);
            let check = closed + (14 + rng.below((room - 14).min(46) as u64 + 1) as i64) * DAY;
            let recorded = (check + rng.below(3) as i64 * DAY + 10 * HOUR)
                .min(now - HOUR)
                .max(closed);
            let effective = outcome == Outcome::DoneEffective;
            r.status = ActionStatus::Done;
            r.closing_note = Some(done_note.to_string());
            r.closed_ms = Some(closed);
            r.check_day = Some(day(check));
            r.check_owner_id = Some(checker);
            r.check_outcome = Some(if effective {
                CheckOutcome::Effective
            } else {
                CheckOutcome::NotEffective
            });
            r.check_note = Some(
                rng.pick(if effective {
                    &pools.check_effective
                } else {
                    &pools.check_not_effective
                })
                .to_string(),
            );
            r.check_done_ms = Some(recorded);
            r.updated_ms = recorded;
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_naturally() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(duration_words(45), "about 45 minutes");
        assert_eq!(duration_words(150), "about 3 hours");
        assert_eq!(duration_words(3 * 1440), "about 3 days");
    }
}
