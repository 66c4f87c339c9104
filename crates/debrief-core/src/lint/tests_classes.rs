//! The second-generation rules: blame without a name, each with its rewrite
//! or suggestion, and the blameless text that must stay quiet.

use super::*;

use super::tests::{applied, first as one, lint, rules as warned};

#[test]
fn a_role_as_the_agent_of_a_failure() {
    let f = one(
        "The contractor broke the build by pushing to main.",
        Rule::PersonAgent,
    );
    assert_eq!(f.matched, "The contractor broke the build");
    assert_eq!(
        applied(
            "The contractor broke the build by pushing to main.",
            Rule::PersonAgent
        ),
        "The build was broken by pushing to main."
    );
    assert_eq!(
        applied("The DBA forgot to rotate the password.", Rule::PersonAgent),
        "The password was not rotated."
    );
    for s in [
        "The on-call analyst failed to escalate the alert.",
        "The platform team failed to patch the ingress controller.",
        "the team lead who ignored the warning",
        "The helpdesk technician fell for the vishing call.",
        "The vendor's support engineer forgot to remove his account.",
        "The SRE on duty ignored three pages.",
    ] {
        assert_eq!(warned(s), ["person-agent"], "{s}");
    }
    // neutral and positive acts of a role, and routine clean-up
    for s in [
        "The analyst escalated at 09:12.",
        "The team thanked the reporter.",
        "The administrator restored the snapshot at 01:00.",
        "The IAM administrator removed the leaver's group memberships.",
        "The operations team failed over to the standby database.",
        "A breach at our vendor exposed the attachments uploaded by customers.",
    ] {
        assert!(warned(s).is_empty(), "{s}: {:#?}", lint(s));
    }
}

#[test]
fn a_decision_framed_as_a_wrong_choice() {
    let f = one(
        "Priya chose to postpone the fix rather than take the service offline.",
        Rule::Hindsight,
    );
    assert!(f.message.contains("wrong choice"), "{f:#?}");
    assert!(f.suggestion.as_deref().unwrap().contains("because"));
    assert_eq!(
        warned("The on-call engineer decided to wait instead of paging the lead."),
        ["hindsight"]
    );
    for s in [
        "The alert was deferred to Monday because no escalation procedure existed.",
        "The team decided to wait for the patch because the workaround broke logins.",
        "The incident commander decided to take the API offline.",
    ] {
        assert!(warned(s).is_empty(), "{s}: {:#?}", lint(s));
    }
}

#[test]
fn a_person_as_the_condition_of_a_counterfactual() {
    for s in [
        "None of this would have happened if Dave had checked the diff.",
        "Had the engineer checked the host, the database would still be there.",
        "If only someone had read the alert, we would have caught it.",
        "If the reviewer had read it properly, the token would not have shipped.",
    ] {
        assert!(warned(s).contains(&"hindsight"), "{s}: {:#?}", lint(s));
    }
    let f = one(
        "Had the DBA tested the backup, we would not have lost data.",
        Rule::Hindsight,
    );
    assert!(
        f.suggestion.as_deref().unwrap().contains("system"),
        "{f:#?}"
    );
    // the system as the condition is what a review should write
    for s in [
        "If the alert had been routed to the pager, it would have been seen.",
        "Had the backup been stored in another account, it could not have been encrypted.",
        "If the DBA had been told about the change, the restore would have waited.",
    ] {
        assert!(warned(s).is_empty(), "{s}: {:#?}", lint(s));
    }
}

#[test]
fn calls_for_sanction_or_a_culprit() {
    for s in [
        "The engineer who deleted the bucket should be disciplined.",
        "Whoever approved this change must be held accountable.",
        "We need to find out who opened the port and deal with them.",
        "Who is responsible for the expired certificate?",
        "Someone has to answer for this outage.",
        "The contractor should be let go after this.",
        "Who broke the build this time?",
    ] {
        assert!(warned(s).contains(&"sanction"), "{s}: {:#?}", lint(s));
    }
    let f = one("The analyst should be reprimanded.", Rule::Sanction);
    assert_eq!(f.matched, "should be reprimanded");
    assert!(f.suggestion.as_deref().unwrap().contains("What let"));
    for s in [
        "The platform team is responsible for the patch schedule.",
        "Who owns the backup bucket? The review assigned the storage team.",
        "Who is responsible for approving firewall changes is written in the RACI chart.",
        "Each action item has an owner and a due date.",
        "Nobody will be disciplined for reporting an incident.",
    ] {
        assert!(warned(s).is_empty(), "{s}: {:#?}", lint(s));
    }
}

#[test]
fn emphatic_attribution() {
    for s in [
        "It was Dave who deleted the production bucket.",
        "Priya, of all people, forgot to rotate the keys.",
        "Marco alone caused the outage.",
        "It was the contractor who opened the port.",
        "Nobody but the DBA had touched the replica.",
    ] {
        assert!(warned(s).contains(&"person-agent"), "{s}: {:#?}", lint(s));
    }
    for s in [
        "It was Priya who spotted the implant.",
        "The on-call engineer alone covers the night shift.",
    ] {
        assert!(warned(s).is_empty(), "{s}: {:#?}", lint(s));
    }
}

#[test]
fn judgement_attached_to_an_act() {
    assert_eq!(
        applied("Dave's careless change took down login.", Rule::Blame),
        "Dave's change took down login."
    );
    assert_eq!(
        applied("Priya's bad call to skip the canary hurt.", Rule::Blame),
        "Priya's call to skip the canary hurt."
    );
    for s in [
        "It was a rookie mistake by the new SRE.",
        "The analyst fell for an obvious lure.",
        "Marco's failure to rotate the keys is the root cause.",
        "It was a silly mistake.",
    ] {
        assert!(!warned(s).is_empty(), "{s}");
    }
    for s in [
        "The service uses basic authentication.",
        "The careless mistakes checklist was replaced.",
        "A blind SQL injection was reported.",
    ] {
        assert!(warned(s).is_empty(), "{s}: {:#?}", lint(s));
    }
}

#[test]
fn human_error_with_modifiers() {
    for s in [
        "The human error of a single administrator caused the outage.",
        "An operator error was the root cause.",
        "A lapse by the on-call engineer led to the data loss.",
        "A typing error by the DBA dropped the table.",
        "We have classified the incident as human error.",
    ] {
        assert!(!warned(s).is_empty(), "{s}");
    }
    assert!(warned("The human error probability model is used by the safety team.").is_empty());
}

#[test]
fn a_person_as_the_cause() {
    assert_eq!(
        applied(
            "The outage happened because Dave pushed an untested config.",
            Rule::PersonAgent
        ),
        "The outage happened because an untested config was pushed."
    );
    let f = one(
        "The build broke because the intern merged the branch.",
        Rule::PersonAgent,
    );
    assert!(f.message.contains("cause"), "{f:#?}");
    for s in [
        "Priya's change caused the login failures.",
        "The analyst's decision resulted in a two-day delay.",
        "Yusuf opening the attachment led to the infection.",
        "The incident was caused by the contractor.",
    ] {
        assert_eq!(warned(s), ["person-agent"], "{s}: {:#?}", lint(s));
    }
    for s in [
        "The guard let the visitor in because the visitor list was printed the day before.",
        "The helpdesk reset the MFA because the caller answered every question.",
        "Thanks to Priya, the leaked key was revoked before it was used.",
    ] {
        assert!(warned(s).is_empty(), "{s}: {:#?}", lint(s));
    }
}

#[test]
fn could_have_seen_as_a_fact_is_not_hindsight() {
    for s in [
        "Anyone with read access to the build logs could have seen the token.",
        "From the dashboard, the analyst could have seen only the last hour of data.",
        "Users could have seen each other's invoices for forty minutes.",
    ] {
        assert!(warned(s).is_empty(), "{s}: {:#?}", lint(s));
    }
    assert_eq!(
        warned("The analyst could have seen the beacon in the proxy logs."),
        ["hindsight"]
    );
}
