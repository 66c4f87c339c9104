//! Blameless reviews and action items for the demo cases that reached review:
//! the Five Questions written for each kind of incident, five-whys chains that
//! end in a condition of the system, contributing factors from the built-in
//! taxonomy, lessons at all three levels, and action items in every state.
//! Deterministic for a given seed, like the cases they belong to.

use crate::demo_activity::Rng;
use debrief_core::Role;
use debrief_core::case::Status;
use debrief_core::review::{
    ActionPriority::{self, High, Low, Medium, Urgent},
    ActionStatus, CheckOutcome,
    LessonLevel::{self, BusinessProcess as Bp, InformationSystem as Is, Organisation as Org},
    ReviewState, day_of,
};
use debrief_store::action_items::{ItemRecord, NewActionItem, insert_item_records_tx};
use debrief_store::db::Conn;
use debrief_store::reviews::{
    FactorRecord, Impact, InterviewRecord, LessonRecord, ReviewRecord, WhyRecord,
    insert_review_record_tx,
};
use debrief_store::{StoreError, params};

const DAY: i64 = 24 * 3600 * 1000;
const HOUR: i64 = 3600 * 1000;

/// A five-whys chain: the problem, each answer to "why?", and the condition of
/// the system it ends in.
struct Why {
    problem: &'static str,
    steps: &'static [&'static str],
    systemic: &'static str,
}

/// A follow-up: what to do, the factor category it addresses, the team that
/// usually owns it (empty: anyone), and what changed once done.
struct Action {
    title: &'static str,
    description: &'static str,
    factor: &'static str,
    team: &'static str,
    priority: ActionPriority,
    done: &'static str,
}

/// Impact figures as ranges; `(0, 0)` leaves a figure empty.
struct ImpactSpec {
    minutes: (i64, i64),
    people: (i64, i64),
    records: (i64, i64),
    services: &'static str,
    cost: &'static [&'static str],
    notes: &'static str,
}

/// Everything a review of one kind of case can say. Narratives may use
/// `{duration}`, `{people}` and `{records}`, filled from the impact figures.
struct Story {
    title: &'static str,
    what: &'static [&'static str],
    interpretations: &'static str,
    impact: ImpactSpec,
    whys: &'static [Why],
    /// (category key, explanation), each category once.
    factors: &'static [(&'static str, &'static str)],
    lessons: &'static [(LessonLevel, &'static str)],
    went_well: &'static [&'static str],
    got_lucky: &'static [&'static str],
    actions: &'static [Action],
    /// Debrief interview notes: (who was interviewed, notes). Who is
    /// [`LEAD`], [`REPORTER`], [`ANYONE`] or a team name.
    interviews: &'static [(&'static str, &'static str)],
}

const fn why(problem: &'static str, steps: &'static [&'static str], systemic: &'static str) -> Why {
    Why {
        problem,
        steps,
        systemic,
    }
}

const fn act(
    title: &'static str,
    description: &'static str,
    factor: &'static str,
    team: &'static str,
    priority: ActionPriority,
    done: &'static str,
) -> Action {
    Action {
        title,
        description,
        factor,
        team,
        priority,
        done,
    }
}

const SECOPS: &str = "Security Operations";
const PLATFORM: &str = "Platform";
const PAYMENTS: &str = "Payments";
const IDENTITY: &str = "Identity";
const DATA: &str = "Data";
const SUPPORT: &str = "Customer Support";
/// The case lead.
const LEAD: &str = "lead";
/// Someone who reported the case and is not named in the notes' heading.
const REPORTER: &str = "reporter";
/// Anyone who is neither the facilitator nor the lead.
const ANYONE: &str = "";

const STORIES: &[Story] = &[
    Story {
        title: "Customer export left in a public storage bucket",
        what: &[
            "The nightly CRM export job writes a CSV of customer contacts to object storage, where the marketing platform collects it. During the storage migration the export bucket was recreated from a template whose access policy allowed public reads, and for {duration} every export landed in a publicly readable location. An external researcher found the bucket while scanning for open storage and emailed security@. The on-call responder made the bucket private within half an hour of the email. Access logs show three downloads from outside our network, all from the researcher's address range.",
            "An external researcher emailed security@ with a link to a CSV of {records} customer contacts in one of our storage buckets. The file came from the nightly CRM export, which had written to that bucket since it was recreated during the storage migration, {duration} earlier. The template used for the new bucket carried the public-read policy meant for the static website assets. The responder made the bucket private, confirmed that the object listing was no longer reachable and pulled the access logs: three external downloads, matching the researcher's account.",
        ],
        interpretations: "Interpretation, not yet confirmed: the public-read policy came with the website-assets template because both buckets were created in the same migration batch. The researcher's downloads are the only external access we can see, but access logging on the bucket started only 30 days before the report.",
        impact: ImpactSpec {
            minutes: (20_000, 45_000),
            people: (18_000, 52_000),
            records: (18_000, 52_000),
            services: "CRM export, object storage",
            cost: &[
                "Notification to the data protection authority; about 60 hours of legal and support time.",
                "About 40 hours of legal, support and engineering time; no regulatory fine.",
            ],
            notes: "Records counted from the export file; people affected are distinct contacts in it. Exposure measured from the bucket's creation to the policy change.",
        },
        whys: &[
            why(
                "Customer contacts were readable by anyone who found the bucket.",
                &[
                    "The bucket's access policy allowed public reads.",
                    "The bucket was created from the template used for the static website assets.",
                    "The migration runbook listed buckets by name and offered one template for all of them.",
                    "Storage templates carry no data classification, so a template for public content looks the same as one for confidential data.",
                ],
                "Bucket policies are chosen by template, and nothing in the platform ties a template to the sensitivity of the data the bucket will hold.",
            ),
            why(
                "The exposure lasted weeks before it was detected.",
                &[
                    "No alert fires when a bucket becomes publicly readable.",
                    "The posture checks cover compute and networking but not storage policies.",
                    "The checks were set up for the original account layout and do not extend to accounts created in the migration.",
                ],
                "Detection coverage is configured per cloud account by hand, so new accounts start without it.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "One storage template served both public website assets and internal exports; picking the right one depended on recognising a template name.",
            ),
            (
                "procedure",
                "The migration runbook described which buckets to recreate but not how to confirm their access policy afterwards.",
            ),
            (
                "communication",
                "The data team owns the export and the platform team owns the bucket; neither team's checklist covered the other side of the hand-off.",
            ),
            (
                "organisational_pressure",
                "The migration ran against a fixed data-centre exit date, and verification steps were batched to the end of the project.",
            ),
            (
                "external",
                "Automated scanners find open buckets within days; an external researcher was the first to detect this one.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Data classification travels with the data: storage, templates and exports need to know what they hold.",
            ),
            (
                Bp,
                "Migrations end with a check of access policies against the data's classification, done with the team that owns the data.",
            ),
            (
                Is,
                "Public reads are refused by default on every storage account; a public bucket is an explicit, reviewed exception.",
            ),
            (
                Is,
                "Posture checks are enrolled automatically when a cloud account is created.",
            ),
        ],
        went_well: &[
            "The researcher's email reached the on-call responder within minutes, because security@ pages out of hours.",
            "Access logs were available and answered the question of who downloaded the file in under an hour.",
        ],
        got_lucky: &[
            "The first person to find the bucket reported it instead of publishing it.",
            "The export held contact details only; payment data lives in a separate, encrypted store.",
        ],
        actions: &[
            act(
                "Block public reads on all storage accounts by organisation policy",
                "Apply the cloud provider's organisation-level public access block, with an allow-list for the website assets bucket.",
                "tooling_design",
                PLATFORM,
                High,
                "Organisation policy applied; the website bucket is the one exception, listed in the policy file with its owner.",
            ),
            act(
                "Add storage policies to the posture checks",
                "Flag any bucket readable by anyone, and enrol new cloud accounts in the checks automatically.",
                "tooling_design",
                SECOPS,
                High,
                "Checks cover every account; a test bucket made public raised an alert in four minutes.",
            ),
            act(
                "Add a policy check to the migration runbook",
                "The runbook ends with a list of buckets, their data classification and the expected policy, confirmed by the data owner.",
                "procedure",
                PLATFORM,
                Medium,
                "Runbook updated and used in the second migration wave; two policy differences caught before cut-over.",
            ),
            act(
                "Agree ownership of export destinations between Data and Platform",
                "Record who owns each export destination and who is told when it changes.",
                "communication",
                DATA,
                Medium,
                "Ownership table in the data catalogue; Platform is told of changes through the catalogue's webhook.",
            ),
        ],
        interviews: &[
            (
                PLATFORM,
                "Walked through the migration week: forty buckets recreated in two days from three templates named 'web', 'web-private' and 'data'. The export bucket came from 'web' because the old bucket lived in the web project. Nothing on screen showed the policy that came with a template.",
            ),
            (
                LEAD,
                "Described receiving the researcher's email on the pager at 21:10. The data-exposure runbook starts by asking for the data's classification, and finding someone who knew what the export held took twenty minutes.",
            ),
        ],
    },
    Story {
        title: "Credential stuffing against the customer login",
        what: &[
            "On a Saturday morning failed logins on the customer site rose from about 200 to 40,000 an hour. The requests came from a few thousand residential IP addresses and tried email and password pairs from an earlier breach of another service. {people} accounts were signed in to before the WAF rules were tightened and rate limits lowered, {duration} after the rise began. The login failure alert fired at 07:40 and the first blocking rule was in place by 09:10. Affected accounts were reset and their owners emailed.",
            "A credential-stuffing run hit the customer login for {duration}. Login failures were two hundred times the usual rate; the alert fired within fifteen minutes, but no WAF rule matched traffic spread across so many addresses. The responders blocked the attacking networks in steps and lowered the per-account rate limit. {people} accounts were accessed with reused passwords; no payment details were changed from them.",
        ],
        interpretations: "Interpretation: the password list most likely comes from the public breach of a fitness app in the same month; 70% of the tried emails appear in it. The attacker seems to have tested a small batch on the Thursday before, which looked like ordinary noise at the time.",
        impact: ImpactSpec {
            minutes: (90, 240),
            people: (1_040, 1_160),
            records: (1_040, 1_160),
            services: "customer login, account pages",
            cost: &[
                "About 80 support hours; no fraud losses confirmed.",
                "Two days of support backlog and a goodwill voucher for each affected customer.",
            ],
            notes: "Accounts counted from successful logins from the attacking address ranges: measured, not estimated.",
        },
        whys: &[
            why(
                "Reused passwords gave the attacker access to about a thousand accounts.",
                &[
                    "The login accepted correct passwords from any address at high volume.",
                    "Rate limits counted attempts per IP address, and the attack used thousands of addresses.",
                    "Per-account and per-credential limits were on the roadmap but not built.",
                    "Login abuse was treated as an availability question owned by Platform, not as an account-security one.",
                ],
                "Account-takeover defences have no single owner, so improvements wait in two backlogs.",
            ),
            why(
                "Customers with breached passwords had no second factor to stop the login.",
                &[
                    "Two-factor sign-in is optional and used by 4% of customers.",
                    "Optional second factors were kept out of onboarding to protect sign-up conversion.",
                    "The cost of account takeover did not appear in the dashboards where conversion is discussed.",
                ],
                "Security outcomes are not measured next to product metrics, so trade-offs are made with half the numbers.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "Rate limiting was keyed on IP address only, which a distributed attack spreads thin.",
            ),
            (
                "external",
                "A large public breach of another service supplied valid email and password pairs.",
            ),
            (
                "organisational_pressure",
                "Sign-up conversion targets discouraged asking customers for a second factor.",
            ),
            (
                "workload_staffing",
                "The attack started on a Saturday with one responder on call, who handled detection, blocking and customer communication alone for the first hour.",
            ),
            (
                "communication",
                "Support learned of the attack from customers before the incident channel told them.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Account takeover is a product risk: its cost belongs on the product dashboards next to conversion.",
            ),
            (
                Bp,
                "Weekend incidents that touch customers bring Support in early, through the incident channel rather than the ticket queue.",
            ),
            (
                Is,
                "Login rate limits count per account and per credential as well as per address.",
            ),
            (
                Is,
                "Passwords are checked against breach corpora at login and on change.",
            ),
        ],
        went_well: &[
            "The login failure alert fired within fifteen minutes of the rise.",
            "Support had a prepared template for forced password resets, which went out the same afternoon.",
        ],
        got_lucky: &[
            "The attacker did not try to change payout details, which the account pages allow without a second factor.",
            "The attack started in daylight, when more people were reachable.",
        ],
        actions: &[
            act(
                "Rate-limit logins per account and per credential pair",
                "Add limits keyed on the account and on the email and password pair, alongside the per-address limit.",
                "tooling_design",
                IDENTITY,
                Urgent,
                "Limits live; a replay of the attack traffic in staging is blocked after the third attempt per account.",
            ),
            act(
                "Check passwords against known breach corpora",
                "Check at login and on password change; ask customers with a breached password to change it.",
                "tooling_design",
                IDENTITY,
                High,
                "k-anonymity breach check live on change and at login.",
            ),
            act(
                "Offer a second factor during onboarding and measure conversion",
                "Run an A/B test of a second-factor prompt in onboarding and publish the effect on conversion.",
                "organisational_pressure",
                IDENTITY,
                Medium,
                "Four-week A/B test: conversion unchanged within noise; the prompt is now shown to all new customers.",
            ),
            act(
                "Bring the support lead into customer-facing incidents from the start",
                "The support lead on duty joins any case tagged customer-facing from the start.",
                "communication",
                SUPPORT,
                Medium,
                "Support lead is paged with the incident channel for any case tagged customer-facing.",
            ),
            act(
                "Show account-takeover numbers on the product dashboard",
                "Weekly count of account takeovers and their support cost, next to sign-up conversion.",
                "organisational_pressure",
                DATA,
                Low,
                "Weekly account-takeover count and support cost are on the product dashboard.",
            ),
        ],
        interviews: &[
            (
                LEAD,
                "Described the first hour: the alert showed a failure rate, not which accounts were being signed in to. Building the list of accessed accounts needed a query that only two people had run before, and it ran against the primary database, which slowed logins further.",
            ),
            (
                SUPPORT,
                "Support saw the first customer emails about unexpected password-reset mails at 08:30 and had no way to tell whether they were related to an incident; the status page showed all systems normal.",
            ),
        ],
    },
    Story {
        title: "Phishing mail led to a compromised mailbox",
        what: &[
            "A finance mailbox received an invoice reminder that copied a supplier's format and linked to a sign-in page that looked like our SSO. The page relayed the password and the one-time code to the real SSO in real time. The next morning the account signed in from an unfamiliar country, and a forwarding rule began copying mails that mention invoices to an external address. The mailbox owner reported an unexpected second sign-in prompt through the report button; the responder revoked sessions, reset the password and removed the rule. {records} mails had been forwarded over {duration}.",
            "An adversary-in-the-middle phishing page captured a finance account's password and one-time code, then used the session to add a mail forwarding rule. For {duration} mails about invoices were copied outside. The sign-in from an unfamiliar country was in the SSO logs but raised no alert. The report that started the response came from the mailbox owner, who noticed a second sign-in prompt and used the report button.",
        ],
        interpretations: "Interpretation: the attacker was preparing invoice fraud rather than stealing data; the rule selected mails about payments and supplier bank details. The finance system's audit trail shows no changes to payment instructions during the window.",
        impact: ImpactSpec {
            minutes: (600, 1_500),
            people: (20, 60),
            records: (40, 180),
            services: "email, SSO",
            cost: &[
                "Supplier notifications and a payment-verification call to each; about 30 hours of finance time.",
                "No financial loss; about two days of finance and security time.",
            ],
            notes: "Forwarded mails counted from the mail server's message trace; people affected are the suppliers who sent them.",
        },
        whys: &[
            why(
                "A password and one-time code typed into a phishing page gave the attacker a valid session.",
                &[
                    "The sign-in page was a real-time relay that passed the one-time code on to our SSO.",
                    "One-time codes cannot tell a real sign-in page from a relay.",
                    "Phishing-resistant security keys were rolled out to engineering only, as the first phase of a project.",
                    "The second phase was not funded, because no phishing in finance had been reported before.",
                ],
                "Phishing resistance is funded team by team, in phases, and the teams attackers target most were planned last.",
            ),
            why(
                "The attacker's sign-in and forwarding rule went unnoticed for most of a day.",
                &[
                    "Sign-ins from new countries are logged but do not alert.",
                    "The alert was turned off after it produced hundreds of false positives during the conference season.",
                    "The alert could not be tuned differently for roles that handle payments.",
                ],
                "Detection is all or nothing per signal; it cannot be weighted by how attractive a role is to an attacker.",
            ),
        ],
        factors: &[
            (
                "external",
                "A targeted phishing kit relayed one-time codes in real time.",
            ),
            (
                "tooling_design",
                "The mail platform allowed rules forwarding to external addresses without review or alert.",
            ),
            (
                "organisational_pressure",
                "Budget phasing put phishing-resistant keys for finance in a later year.",
            ),
            (
                "communication",
                "Finance had discussed two similar invoice mails in the team chat the week before; that chat does not reach the security team.",
            ),
        ],
        lessons: &[
            (
                Org,
                "The roles attackers target most get the strongest controls first, whatever the rollout order of a project.",
            ),
            (
                Bp,
                "A suspicious mail discussed in a team chat reaches security through a one-click forward, and every team knows that it does.",
            ),
            (
                Is,
                "External forwarding rules need approval, and new ones alert the security team.",
            ),
            (
                Is,
                "Sign-in alerts are weighted by role: payment roles alert on a new country.",
            ),
        ],
        went_well: &[
            "The report button made it easy to report a vague sense that something was off; the report came in eight minutes after the second prompt.",
            "Revoking sessions and removing the rule took under ten minutes with the mailbox runbook.",
        ],
        got_lucky: &[
            "No payment runs were scheduled during the window; the forwarded mails were exactly what a payment-redirection fraud needs.",
        ],
        actions: &[
            act(
                "Roll out security keys to finance and payment roles",
                "Issue phishing-resistant keys and disable one-time codes for these roles.",
                "organisational_pressure",
                IDENTITY,
                High,
                "Keys issued to 34 people in finance and payments; one-time codes disabled for them.",
            ),
            act(
                "Block external auto-forwarding by default",
                "Transport rule blocking external forwarding, with exceptions approved through a form.",
                "tooling_design",
                IDENTITY,
                High,
                "Transport rule live; three approved exceptions.",
            ),
            act(
                "Alert on sign-ins from new countries for payment roles",
                "A narrow alert for the accounts that can change payments.",
                "tooling_design",
                SECOPS,
                Medium,
                "Alert live for 52 accounts; about two alerts a week, each triaged in minutes.",
            ),
            act(
                "Add a forward-to-security shortcut to the team chat",
                "One click sends a chat message to the report intake.",
                "communication",
                SECOPS,
                Low,
                "Shortcut live; used 19 times in the first month.",
            ),
        ],
        interviews: &[
            (
                REPORTER,
                "Described the mail: it matched a real supplier's layout and referred to an actual open invoice. The sign-in page asked for the code twice; the second prompt felt wrong, and the report button was the first thing that came to mind.",
            ),
            (
                SECOPS,
                "Explained why sign-in alerts were off: 300 a week during the conference season, almost all travel. There was no time to tune them, so they were paused with a plan to return to them.",
            ),
        ],
    },
    Story {
        title: "Deploy token printed in a public CI log",
        what: &[
            "A build of the billing service failed in a way that did not reproduce locally. To see which variables the job received, a debugging step printed the job's environment. The CI platform masks only variables registered as secrets, and the production deploy token had been added as a plain variable, so it appeared in the log, readable by the {people} contributors of the repository. A contributor spotted the token the next morning and reported it; the token was revoked, the log purged and the job changed.",
            "For {duration} a production deploy token was readable in a CI job log visible to every contributor of the repository. It got there through a debugging step that printed the environment; masking did not apply because the token was stored as an ordinary variable. The deploy system's audit log shows no use of the token from an unknown address before it was revoked.",
        ],
        interpretations: "Interpretation: printing the environment is a common way to debug CI, and the platform's own troubleshooting page suggests it. Masking is a per-variable setting that defaults to off.",
        impact: ImpactSpec {
            minutes: (300, 1_100),
            people: (60, 240),
            records: (0, 0),
            services: "CI/CD, billing deploys",
            cost: &[
                "About a day of engineering time to rotate and verify.",
                "Half a day to rotate the token and audit recent deploys.",
            ],
            notes: "People affected are the contributors who could read the log, not customers. Token use checked in the deploy system's audit log.",
        },
        whys: &[
            why(
                "A deploy token was readable in a CI log.",
                &[
                    "A debugging step printed the whole environment.",
                    "Masking applies only to variables registered as secrets.",
                    "The token was added as a plain variable through the project settings form.",
                    "The form defaults to plain, and variables are not reviewed after they are added.",
                ],
                "Secret protection in CI depends on a per-variable setting that defaults to off and is never reviewed.",
            ),
            why(
                "A leaked token gave full production deploy rights.",
                &[
                    "The token was long-lived and scoped to every environment.",
                    "Short-lived, scoped credentials need identity federation between CI and the deploy system.",
                    "The federation was on the platform roadmap behind the cluster upgrade.",
                ],
                "Long-lived, broad credentials remain the easiest option, so they remain in use.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "The variables form defaults to unmasked, and nothing marks a value as a credential.",
            ),
            (
                "knowledge_training",
                "How CI masking works is not covered in onboarding; most contributors had not come across it.",
            ),
            (
                "procedure",
                "No guide described how to debug a CI job without exposing its variables.",
            ),
            (
                "organisational_pressure",
                "The billing release was due that day; debugging in CI was quicker than reproducing the environment locally.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Credentials that can change production are short-lived by policy; exceptions are tracked as security debt.",
            ),
            (
                Bp,
                "The contributor guide has a recipe for debugging CI that does not expose secrets.",
            ),
            (
                Is,
                "The CI platform masks values that look like credentials, whatever the variable setting.",
            ),
            (
                Is,
                "Deploy tokens are scoped to one environment and expire within hours.",
            ),
        ],
        went_well: &[
            "The contributor who noticed the token reported it within minutes of seeing it.",
            "Revoking the token and purging the log took twenty minutes with the secrets runbook.",
        ],
        got_lucky: &[
            "The repository is internal; the same setting on a public repository would have published the token to the internet.",
            "The token was found within a day, while the logs are kept for ninety.",
        ],
        actions: &[
            act(
                "Federate CI with the deploy system for short-lived tokens",
                "Replace stored deploy tokens with tokens issued per job through OIDC.",
                "tooling_design",
                PLATFORM,
                High,
                "OIDC federation live for all production deploy jobs; no long-lived deploy tokens remain.",
            ),
            act(
                "Mask credential-shaped values in CI logs by default",
                "A log filter that masks anything matching known credential patterns.",
                "tooling_design",
                PLATFORM,
                High,
                "Log filter live; a test job printing a fake token shows it masked.",
            ),
            act(
                "Add a safe CI debugging recipe to the contributor guide",
                "Show how to list variable names without their values.",
                "procedure",
                PLATFORM,
                Low,
                "Guide section published with a worked example.",
            ),
            act(
                "Scan CI logs for secrets daily",
                "Daily scan of new job logs with findings sent to the report intake.",
                "knowledge_training",
                SECOPS,
                Medium,
                "Daily scan running; two findings in the first month, both test keys.",
            ),
        ],
        interviews: &[
            (
                PAYMENTS,
                "Described the failing build: it worked locally and failed only in CI. Printing the environment was the first suggestion on the CI platform's troubleshooting page, and the token's name, DEPLOY_REF, did not look like a secret.",
            ),
            (
                PLATFORM,
                "Explained that the variable dates from the move to the new CI platform two years ago, when masking was not yet available for that project type.",
            ),
        ],
    },
    Story {
        title: "Ransomware blocked on a support laptop",
        what: &[
            "A support laptop visited a news site that served a fake browser update through a compromised advertisement. The download ran and began encrypting files in the user profile. Endpoint protection recognised the behaviour after {records} files and quarantined the process. The alert reached the security operations queue, and the laptop was isolated from the network {duration} later and reimaged the same day. No shared drives were reached.",
            "Endpoint protection stopped ransomware on a support laptop after it had encrypted {records} local files. The payload arrived as a fake browser update through a malicious advertisement on a mainstream news site. The laptop was isolated {duration} after the alert, reimaged, and its files restored from the endpoint backup.",
        ],
        interpretations: "Interpretation: the laptop ran a browser one version behind, because support laptops update monthly, so an update prompt looked plausible.",
        impact: ImpactSpec {
            minutes: (30, 180),
            people: (1, 1),
            records: (200, 1_400),
            services: "endpoints",
            cost: &[
                "One laptop reimaged; about four hours of lost work.",
                "Half a day of support capacity.",
            ],
            notes: "Files counted from the endpoint protection quarantine report. The support tools are web-based; no customer data was on the laptop.",
        },
        whys: &[
            why(
                "Ransomware ran on a support laptop.",
                &[
                    "A fake browser update was downloaded and opened.",
                    "The prompt looked like the real update prompt, and the browser was indeed out of date.",
                    "Support laptops receive browser updates monthly, not automatically, to keep the ticketing plug-in working.",
                    "The plug-in supports only older browser versions, and its vendor releases slowly.",
                ],
                "A business tool's vendor sets the patch cadence of our endpoints.",
            ),
            why(
                "The laptop could run an unsigned program from the downloads folder.",
                &[
                    "Application control was in audit mode on support laptops.",
                    "Enforcement was paused after it blocked a screen-recording tool used on customer calls.",
                    "An exception took weeks to approve, so pausing enforcement was the fix available.",
                ],
                "The exception process for application control is slower than the work it protects, which pushes teams towards turning the control off.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "Application control ran in audit mode on support laptops.",
            ),
            (
                "external",
                "Malicious advertising on a mainstream news site delivered the payload.",
            ),
            (
                "procedure",
                "The exception process for application control had no fast path for business-critical tools.",
            ),
            (
                "knowledge_training",
                "Awareness training used only email examples; fake update prompts were not covered.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Vendor-imposed patch delays are risk decisions: they are recorded, owned and revisited.",
            ),
            (
                Bp,
                "Application-control exceptions are decided within two working days, so enforcement never needs to be paused.",
            ),
            (
                Is,
                "Browsers on all endpoints update automatically; plug-ins that prevent this are replaced.",
            ),
        ],
        went_well: &[
            "Behaviour detection stopped the encryption before it reached the mapped drives.",
            "Endpoint backups restored the user profile within the hour.",
        ],
        got_lucky: &[
            "The laptop was off the VPN at the time, so the mapped drives were unreachable.",
        ],
        actions: &[
            act(
                "Enforce application control on support laptops",
                "Move from audit to enforce mode, with the screen-recording tool allowed.",
                "tooling_design",
                SECOPS,
                High,
                "Enforcement on for 45 support laptops; two exceptions approved within a day.",
            ),
            act(
                "Create a two-day fast path for application-control exceptions",
                "Business-critical tools get a decision within two working days.",
                "procedure",
                SECOPS,
                Medium,
                "Fast path live; median decision time is six hours.",
            ),
            act(
                "Replace the browser-pinned ticketing plug-in",
                "Move to the ticketing vendor's web integration so browsers can update automatically.",
                "external",
                SUPPORT,
                Medium,
                "Web integration live; browsers on support laptops update automatically.",
            ),
            act(
                "Add fake update prompts to awareness training",
                "A short module with real examples of fake browser and software updates.",
                "knowledge_training",
                SECOPS,
                Low,
                "Module added; 92% of support staff completed it.",
            ),
        ],
        interviews: &[
            (
                LEAD,
                "The responder described the isolation: the isolate button in the endpoint console worked on the first try, and reimaging used the standard support image.",
            ),
            (
                SUPPORT,
                "Described the prompt: full-screen, in the browser's colours, saying the browser was out of date. The browser really was out of date, which made the prompt believable.",
            ),
        ],
    },
    Story {
        title: "Production database password pasted into team chat",
        what: &[
            "During a pairing session on a reporting bug, the read-replica password was pasted into the team channel, which has {people} members, instead of the direct message it was meant for. The message was visible for about two minutes before it was deleted, and the password was rotated {duration} after it appeared. The chat platform's export log shows the message was not downloaded or forwarded.",
            "A production database password appeared in a team channel for about two minutes. It was copied from the password manager for a pairing partner and pasted into the wrong conversation: the direct message and the channel had the same avatar and similar names. The password was rotated {duration} later and the reporting jobs updated.",
        ],
        interpretations: "Interpretation: in the chat client's sidebar the direct message and the channel looked alike. Sharing a credential through chat at all was the quickest way to give a pairing partner access.",
        impact: ImpactSpec {
            minutes: (40, 90),
            people: (30, 45),
            records: (0, 0),
            services: "reporting database, chat",
            cost: &["About two hours to rotate and update dependent jobs."],
            notes: "People affected are the channel members who could have seen the message; there is no sign that anyone did.",
        },
        whys: &[
            why(
                "A database password was visible to a whole team channel.",
                &[
                    "It was pasted into the channel rather than the intended direct message.",
                    "Sharing the password in chat was how pairing partners got database access.",
                    "Temporary access through the access system took a day.",
                    "Temporary access requests go through the same approval as permanent ones.",
                ],
                "Access requests have one speed, so the quick way round them becomes the normal way.",
            ),
            why(
                "The same password was used by several people and jobs.",
                &[
                    "The read replica has one shared account.",
                    "Per-person database accounts need the SSO integration, which is not set up for replicas.",
                ],
                "Shared credentials persist wherever individual accounts are harder to set up.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "The chat client's sidebar makes a direct message and a channel look alike.",
            ),
            (
                "procedure",
                "There was no fast route to give a pairing partner temporary database access.",
            ),
            (
                "organisational_pressure",
                "The reporting bug was holding up the month-end report, and the pair had one afternoon to fix it.",
            ),
            (
                "knowledge_training",
                "The password manager can share an item with an expiry; the team had not been shown how.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Secrets shared in chat signal that access processes are too slow; we measure how long access takes.",
            ),
            (
                Bp,
                "Temporary access for pairing is granted within minutes and expires by itself.",
            ),
            (
                Is,
                "The chat platform holds messages that contain credentials and asks the sender to confirm.",
            ),
            (Is, "Database replicas use per-person accounts through SSO."),
        ],
        went_well: &[
            "The message was reported immediately by the person who sent it, without being asked.",
            "Rotation took less than an hour because the replica's password lives in one place in the deployment configuration.",
        ],
        got_lucky: &[
            "The channel had no guest members; an external contractor group had left it the week before.",
        ],
        actions: &[
            act(
                "Enable credential detection in the chat platform",
                "Hold messages that match credential patterns and ask the sender to confirm.",
                "tooling_design",
                SECOPS,
                Medium,
                "Rule live; messages with credential patterns are held for confirmation.",
            ),
            act(
                "Self-service temporary database access for up to four hours",
                "Access through the access portal without a ticket, expiring automatically.",
                "procedure",
                DATA,
                High,
                "Self-service access live; 140 grants in the first month.",
            ),
            act(
                "Move read replicas to per-person SSO accounts",
                "Enable the SSO integration on both replicas and disable the shared account.",
                "tooling_design",
                DATA,
                Medium,
                "SSO accounts on both replicas; the shared account is disabled.",
            ),
            act(
                "Show teams how to share password-manager items with an expiry",
                "A short guide and a demonstration at the engineering all-hands.",
                "knowledge_training",
                SECOPS,
                Low,
                "Guide published and demonstrated.",
            ),
        ],
        interviews: &[
            (
                DATA,
                "Described the moment: two chat windows open with the same colleague's avatar at the top of both. The message was deleted as soon as the channel name showed in the preview.",
            ),
            (
                DATA,
                "Explained why chat: the access request for the pairing partner had been filed that morning and was still waiting for approval.",
            ),
        ],
    },
    Story {
        title: "Almost approved a firewall change to the wrong environment",
        what: &[
            "A change ticket asked for a new inbound rule in staging. The rule as written in the infrastructure code targeted the production security group, because the staging and production groups share a name and differ only by account. The first approval was given on the ticket text; the second reviewer opened the plan output, saw the production account ID and stopped the change. Nothing was applied.",
            "A firewall change that would have opened port 5432 on the production database security group to the office network was stopped in review. The ticket said staging; the code referred to the group by a name that staging and production share. The plan output showed the account ID, which the second reviewer compared with the ticket.",
        ],
        interpretations: "Interpretation: the ticket and the code are reviewed in different tools, and the ticket template has no field for the target account, so a reviewer compares a description with a diff.",
        impact: ImpactSpec {
            minutes: (0, 0),
            people: (0, 0),
            records: (0, 0),
            services: "network, change management",
            cost: &["None; about an hour of review time."],
            notes: "Near-miss: nothing was applied. The potential impact was a production database reachable from the office network.",
        },
        whys: &[
            why(
                "A rule meant for staging was about to be applied to production.",
                &[
                    "The code referenced the security group by name.",
                    "Staging and production groups have the same names in different accounts.",
                    "The naming convention dates from when there was one account.",
                ],
                "The environment is implicit in infrastructure names, so the same text means different things in different places.",
            ),
            why(
                "The first approval did not catch the mismatch.",
                &[
                    "The first approval was based on the ticket, which said staging.",
                    "The ticket shows the description and the diff, not the plan with the target account.",
                    "Plan output lives in the CI job, one click away from the ticket.",
                ],
                "Change review shows reviewers the intent, not the effect.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "Security group names do not include the environment.",
            ),
            (
                "procedure",
                "The change ticket template had no field for the target account.",
            ),
            (
                "communication",
                "The ticket and the plan output live in different tools.",
            ),
            (
                "workload_staffing",
                "Approvals are done between other work; the queue had 30 tickets that afternoon.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Second reviewers are part of the control, and their time is planned rather than borrowed.",
            ),
            (
                Bp,
                "Change tickets show the target account and the plan summary, generated rather than typed.",
            ),
            (
                Is,
                "Resource names include the environment, and the production account refuses resources without the prefix.",
            ),
        ],
        went_well: &[
            "The second review caught the mismatch: the two-reviewer rule worked as designed.",
            "The near-miss was reported the same day, which started this review.",
        ],
        got_lucky: &[],
        actions: &[
            act(
                "Show the plan summary and target account in every change ticket",
                "CI posts the plan summary with the account ID to the ticket.",
                "procedure",
                PLATFORM,
                Medium,
                "CI posts the plan summary to the ticket; reviewers see the account without leaving it.",
            ),
            act(
                "Prefix security group names with the environment",
                "Rename groups and add a policy check that refuses unprefixed names.",
                "tooling_design",
                PLATFORM,
                Medium,
                "All groups renamed; the policy check refuses unprefixed names.",
            ),
            act(
                "Plan reviewer time for change approvals",
                "A daily rotation of two reviewers with a visible queue limit.",
                "workload_staffing",
                PLATFORM,
                Low,
                "Rotation in place; queue limit shown on the change board.",
            ),
            act(
                "Check that the ticket environment matches the plan account",
                "Block merges where the ticket's environment and the plan's account differ.",
                "communication",
                PLATFORM,
                Medium,
                "Check live; it blocked one mismatched change in its first month.",
            ),
        ],
        interviews: &[
            (
                PLATFORM,
                "The author explained that the code was copied from an earlier staging change; the group name matched, so the plan looked as expected from the author's side.",
            ),
            (
                PLATFORM,
                "The second reviewer described a habit of always opening the plan, after an earlier change looked right in the diff and wrong in the plan. It takes about two minutes per ticket.",
            ),
        ],
    },
    Story {
        title: "Backup restore test found an unencrypted copy",
        what: &[
            "The quarterly restore test picked one backup set at random and restored it to an isolated host. The restore worked, but the files were readable without the backup key. The set came from a job that moved to new storage {duration} earlier; the new job definition had encryption turned off, which is the default for that storage type. All other sets were encrypted.",
            "A restore test found that one backup set had been written without encryption since the storage migration, {duration} before the test. The backups sat in a private bucket, so access was limited to backup administrators. The job definition was fixed and the unencrypted sets re-encrypted.",
        ],
        interpretations: "Interpretation: the job was recreated rather than copied, and the encryption setting is not part of the job template.",
        impact: ImpactSpec {
            minutes: (43_200, 172_800),
            people: (0, 0),
            records: (120_000, 900_000),
            services: "backups",
            cost: &[
                "About three days of engineering to re-encrypt and verify.",
                "Re-encryption storage costs and two days of engineering.",
            ],
            notes: "Records estimated from the database size at the time; none left the backup storage.",
        },
        whys: &[
            why(
                "A backup set was written unencrypted.",
                &[
                    "The job definition had encryption off.",
                    "The job was recreated for the new storage type, where encryption defaults to off.",
                    "The migration checklist listed jobs, not their settings.",
                ],
                "Job settings are recreated by hand during migrations, so defaults decide security properties.",
            ),
            why(
                "The unencrypted set was discovered only by a quarterly test.",
                &[
                    "Nothing checks backup encryption continuously.",
                    "The backup dashboard shows success and size, not encryption.",
                ],
                "Monitoring measures whether backups happen, not whether they are protected.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "The new storage type defaults to unencrypted.",
            ),
            (
                "procedure",
                "The migration checklist had no step comparing job settings before and after.",
            ),
            (
                "knowledge_training",
                "The migration was run by a team new to the backup tool.",
            ),
            (
                "workload_staffing",
                "One person looks after backups alongside two other systems.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Restore tests find real problems; they stay funded and scheduled.",
            ),
            (
                Bp,
                "Migrations compare settings before and after from an export, not from memory.",
            ),
            (Is, "Backup jobs refuse to run without encryption."),
        ],
        went_well: &[
            "The restore test worked as intended and found a problem no other control would have.",
            "Re-encryption finished within a week, with no gap in backups.",
        ],
        got_lucky: &[
            "The backup bucket was private; the unencrypted set was never reachable beyond the backup administrators.",
        ],
        actions: &[
            act(
                "Make backup jobs fail without encryption",
                "A policy that refuses job definitions without an encryption key.",
                "tooling_design",
                PLATFORM,
                High,
                "Policy live; a test job without a key is rejected.",
            ),
            act(
                "Alert on any unencrypted backup object",
                "A daily inventory check of backup storage.",
                "tooling_design",
                SECOPS,
                Medium,
                "Daily inventory check live; no unencrypted objects since.",
            ),
            act(
                "Add a settings comparison to the migration checklist",
                "Export job settings before and after and compare them.",
                "procedure",
                PLATFORM,
                Low,
                "Checklist step added and used in the database migration.",
            ),
            act(
                "Train a second person on the backup system",
                "Shadow two restore tests, then run the third.",
                "workload_staffing",
                PLATFORM,
                Medium,
                "Second person ran the last restore test.",
            ),
        ],
        interviews: &[
            (
                PLATFORM,
                "Described the restore test: the files opened in a text editor, which they are not supposed to. The first thought was a fault in the test host, and it took an hour to confirm the set itself was unencrypted.",
            ),
            (
                PLATFORM,
                "Explained the migration: forty jobs recreated over two weeks, working from a list of job names. The storage type's encryption default was not mentioned in the migration guide.",
            ),
        ],
    },
    Story {
        title: "USB stick with test data found in a meeting room",
        what: &[
            "A USB stick labelled 'test data' was found in a meeting room by facilities staff and handed to reception, which passed it to security. The security team examined it on an isolated machine: it held {records} anonymised customer records, a test fixture for the billing service. The stick had been used to move data to the hardware test rig, which has no network.",
            "A USB stick with anonymised test data lay in a meeting room for {duration} before facilities staff found it. It held an export of billing test fixtures, {records} records, and the anonymisation was checked and found complete. USB sticks were the usual way to get data onto the hardware test rig.",
        ],
        interpretations: "Interpretation: the test rig's isolation made USB the only practical transfer path, and there was nowhere to return sticks after use.",
        impact: ImpactSpec {
            minutes: (120, 4_000),
            people: (0, 0),
            records: (2_000, 12_000),
            services: "physical security, test data",
            cost: &["None beyond the time to examine the stick."],
            notes: "Records counted on the stick; all anonymised, checked against the anonymisation report.",
        },
        whys: &[
            why(
                "A USB stick with company data was left in a shared room.",
                &[
                    "USB sticks are used to move data to the hardware test rig.",
                    "The rig has no network, by design, to keep it isolated.",
                    "There is no approved way to move data to it other than removable media.",
                    "Removable media have no issue-and-return process.",
                ],
                "An isolation requirement without a supported transfer path pushes data onto untracked media.",
            ),
            why(
                "Whether the stick held real data was unknown until it was examined.",
                &[
                    "Sticks are neither encrypted nor labelled with their content's classification.",
                    "The data handling policy covers files, not media.",
                ],
                "Data classification stops at the file and does not follow data onto devices.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "The test rig offers no transfer path other than USB.",
            ),
            (
                "procedure",
                "No issue-and-return process exists for removable media.",
            ),
            (
                "communication",
                "Facilities staff had no instructions for found devices; this one reached security through reception by chance.",
            ),
            (
                "knowledge_training",
                "The data handling policy does not mention removable media.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Isolation requirements come with a supported way to get data in and out.",
            ),
            (
                Bp,
                "Found devices go to one known place, and everyone, including facilities staff, knows where.",
            ),
            (
                Is,
                "Removable media for the test rig are encrypted and issued from a register.",
            ),
        ],
        went_well: &[
            "The stick was handed in rather than plugged in.",
            "The anonymisation report made it quick to confirm that the data was not real.",
        ],
        got_lucky: &[
            "The stick held anonymised data; the same process carries production samples on other rigs.",
        ],
        actions: &[
            act(
                "Issue encrypted, registered USB media for the test rig",
                "Encrypted sticks issued and returned at the lab desk.",
                "procedure",
                PAYMENTS,
                Medium,
                "Six encrypted sticks issued from a register at the lab desk.",
            ),
            act(
                "Set up a one-way transfer station for the test rig",
                "A data diode so routine loads no longer need USB.",
                "tooling_design",
                PLATFORM,
                Low,
                "Transfer station installed; USB is no longer needed for routine loads.",
            ),
            act(
                "Tell facilities and reception where found devices go",
                "A found-device box at reception with instructions, and a briefing for the facilities contractor.",
                "communication",
                SECOPS,
                Low,
                "Box and instructions at reception; facilities contractor briefed.",
            ),
            act(
                "Add removable media to the data handling policy",
                "Cover classification, encryption and return of removable media.",
                "knowledge_training",
                SECOPS,
                Low,
                "Policy section published.",
            ),
        ],
        interviews: &[
            (
                PAYMENTS,
                "Described the lab routine: load the fixtures onto a stick at a desk, walk to the rig, copy, walk back. Meetings often happen in between, and sticks end up in pockets and bags.",
            ),
            (
                REPORTER,
                "Facilities explained that there were no instructions for found devices; the stick went to reception because lost property goes there.",
            ),
        ],
    },
    Story {
        title: "Alert about a vulnerable VPN appliance sat until Monday",
        what: &[
            "A vendor advisory for a critical vulnerability in our VPN appliance arrived on Friday at 18:40. It went to an email alias with one member, who set up the vendor account and was off for the weekend as planned. The advisory was first read on Monday morning, and the appliance was patched at 09:15, {duration} after the advisory arrived. Exploit code was published on Sunday; our logs show scanning but no successful exploitation.",
            "The VPN vendor published a critical advisory on a Friday evening. The notification went to a one-person mailbox rather than the on-call rota, and the appliance stayed unpatched for {duration}. Exploit code appeared during the weekend. The appliance logs show scanning from two addresses on Sunday and no successful authentication bypass.",
        ],
        interpretations: "Interpretation: vendor notifications are set up at purchase by whoever buys the product, and stay with that person. Security operations had no list of which vendor sends advisories to which address.",
        impact: ImpactSpec {
            minutes: (3_500, 3_900),
            people: (0, 0),
            records: (0, 0),
            services: "VPN, remote access",
            cost: &["None measured; the exposure window is the cost."],
            notes: "No compromise found in appliance logs or endpoint data. The window is measured from the advisory to the patch.",
        },
        whys: &[
            why(
                "A critical advisory for an internet-facing appliance waited sixty hours.",
                &[
                    "The advisory went to a one-person alias.",
                    "Vendor accounts are set up with the buyer's address at purchase.",
                    "Nothing maps vendors to the on-call rota.",
                    "Procurement and security operations use separate systems with no hand-off.",
                ],
                "Vendor advisories reach whoever bought the product, not whoever is on call.",
            ),
            why(
                "Patching the appliance over the weekend needed an approval that was not available.",
                &[
                    "Patching the VPN requires a maintenance window approved by the network lead.",
                    "There is no emergency change route for out-of-hours security patches.",
                    "Emergency changes were defined for outages, not for vulnerabilities.",
                ],
                "Emergency procedures are built for outages; vulnerabilities have no fast path.",
            ),
        ],
        factors: &[
            (
                "communication",
                "Advisories went to a personal alias, not to a shared queue watched by on-call.",
            ),
            (
                "procedure",
                "There was no emergency change route for security patches outside working hours.",
            ),
            (
                "workload_staffing",
                "Security on-call covers detection only; patching the edge is outside the rota.",
            ),
            (
                "external",
                "The vendor published on a Friday evening, and exploit code followed within two days.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Every internet-facing product has an owner on the on-call rota for its advisories.",
            ),
            (
                Bp,
                "A critical vulnerability in an internet-facing system is an emergency change, at any hour.",
            ),
            (
                Is,
                "Vendor advisory feeds go into the alert pipeline with the same escalation as alerts.",
            ),
        ],
        went_well: &[
            "The patch itself took fifteen minutes once started.",
            "Appliance logs were complete and ruled out exploitation within an hour.",
        ],
        got_lucky: &["The published exploit relied on a portal feature we do not enable."],
        actions: &[
            act(
                "Route vendor advisories into the alert pipeline",
                "Advisory feeds arrive as alerts with on-call escalation.",
                "communication",
                SECOPS,
                High,
                "Advisory feeds for 14 vendors arrive as alerts with on-call escalation.",
            ),
            act(
                "Define an emergency change route for critical patches",
                "Critical patches to internet-facing systems can be applied at any hour with on-call approval.",
                "procedure",
                PLATFORM,
                High,
                "Emergency route agreed; used twice since, both within four hours.",
            ),
            act(
                "Add edge appliances to the on-call rota",
                "Secondary on-call covers patching of edge appliances, with a runbook.",
                "workload_staffing",
                PLATFORM,
                Medium,
                "Secondary on-call covers edge patching; runbook added.",
            ),
            act(
                "Keep a register of vendors, products and advisory contacts",
                "Procurement adds new vendors at purchase; security operations owns the contacts.",
                "communication",
                SECOPS,
                Medium,
                "Register covers 60 vendors.",
            ),
        ],
        interviews: &[
            (
                LEAD,
                "Described Monday morning: 140 unread mails, the advisory among them, marked critical in its subject line. Patching took fifteen minutes; the approval for the maintenance window took longer.",
            ),
            (
                PLATFORM,
                "Explained that the vendor account was set up during the appliance purchase three years ago, with the buyer's alias as the only contact; nobody else knew the alias existed.",
            ),
        ],
    },
    Story {
        title: "Admin interface reachable from the internet",
        what: &[
            "A routine external port scan found the monitoring dashboard's admin interface answering on port 8443 from the internet. The interface required an SSO login and was up to date. It had been reachable since a load balancer change {duration} earlier, which added a listener for a new health-check path and, with it, forwarded every path on that port. The security group was restricted to the VPN the same day.",
            "The admin interface of the monitoring stack was reachable from the internet for {duration}. A new load balancer listener for health checks forwarded every path on port 8443, including the admin interface. An external scan found it; access logs show login attempts from scanning services, none successful.",
        ],
        interpretations: "Interpretation: listener rules match every path on a port unless told otherwise, and the change review showed a one-line diff adding a path, not the whole listener.",
        impact: ImpactSpec {
            minutes: (4_000, 40_000),
            people: (0, 0),
            records: (0, 0),
            services: "monitoring",
            cost: &["None; half a day of engineering."],
            notes: "Access logs show about 200 login attempts from scanning services, all refused.",
        },
        whys: &[
            why(
                "An internal admin interface was reachable from the internet.",
                &[
                    "The load balancer forwarded every path on port 8443.",
                    "The listener added for health checks matched the port, not the path.",
                    "Listener defaults forward everything unless rules say otherwise.",
                    "No test checks which paths are reachable from outside after a change.",
                ],
                "Exposure is decided by load balancer defaults and checked only by periodic scans.",
            ),
            why(
                "The exposure lasted until the next periodic scan.",
                &[
                    "External scans run weekly.",
                    "Scan results go into a report that is read once a month.",
                ],
                "The external attack surface is measured monthly while it changes daily.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "Listener rules match every path on a port unless limited.",
            ),
            (
                "procedure",
                "Load balancer changes have no post-change check of what is exposed.",
            ),
            (
                "knowledge_training",
                "The change's reviewers knew the health-check requirement but had not worked with the listener's defaults.",
            ),
            (
                "workload_staffing",
                "Scan reports are read monthly by a team with other priorities.",
            ),
        ],
        lessons: &[
            (
                Org,
                "The attack surface is measured continuously and owned by a named team.",
            ),
            (
                Bp,
                "Changes to load balancers end with an external reachability check.",
            ),
            (
                Is,
                "Admin interfaces listen only on the internal network, never on public listeners.",
            ),
        ],
        went_well: &[
            "The scan found the exposure and the report reached the owning team the same day.",
            "The login page was patched and rate-limited, which held against the scanning.",
        ],
        got_lucky: &[
            "The admin interface enforced SSO; a local login page would have been open to password guessing.",
        ],
        actions: &[
            act(
                "Bind admin interfaces to internal listeners only",
                "Move admin interfaces to the internal load balancer and limit public listener rules by path.",
                "tooling_design",
                PLATFORM,
                High,
                "Admin interfaces on the internal load balancer; public rules are path-limited.",
            ),
            act(
                "Run external scans daily with alerts for new services",
                "A new service reachable from outside raises an alert within a day.",
                "workload_staffing",
                SECOPS,
                Medium,
                "Daily scans live; new services alert within 24 hours.",
            ),
            act(
                "Add an external reachability test to load balancer changes",
                "CI probes the public addresses after each apply.",
                "procedure",
                PLATFORM,
                Medium,
                "External probe runs after every apply.",
            ),
            act(
                "Explain listener defaults in the load balancer module",
                "README section with an example of a path-limited listener.",
                "knowledge_training",
                PLATFORM,
                Low,
                "README section and example added.",
            ),
        ],
        interviews: &[
            (
                PLATFORM,
                "Described the change: a health-check path was needed for a new service, and the module's example added a listener on 8443. The diff was one block and looked complete.",
            ),
            (
                SECOPS,
                "The scan owner explained that weekly results go into a monthly report because that was the agreed reporting rhythm, and that the finding stood out only because the port was new.",
            ),
        ],
    },
    Story {
        title: "Outdated TLS library in the payments gateway",
        what: &[
            "A dependency scan flagged the TLS library in the payments gateway image as two years behind, with four known vulnerabilities, one rated high. The image was built from a base image pinned to a digest when the gateway was certified for card payments. Updating the base image meant regenerating part of the certification evidence, so it had stayed as it was. The library was upgraded and the image rebuilt {duration} after the finding.",
            "The payments gateway ran a TLS library with known vulnerabilities for about two years. The base image was pinned for the card-data environment's certification, and rebuilding it required evidence that only one team knew how to produce. A dependency scan added to the pipeline this quarter found it; the upgrade shipped {duration} later.",
        ],
        interpretations: "Interpretation: the pin was a sensible control for certification and turned into a freeze because updating it had no owner.",
        impact: ImpactSpec {
            minutes: (1_440, 20_160),
            people: (0, 0),
            records: (0, 0),
            services: "payments gateway",
            cost: &["Two days of engineering and a partial re-certification."],
            notes: "No signs of exploitation; the high-rated vulnerability needs a client-certificate feature the gateway does not use.",
        },
        whys: &[
            why(
                "A payments service ran a TLS library two years out of date.",
                &[
                    "Its base image was pinned to a digest.",
                    "The pin kept the certification evidence valid.",
                    "Updating the pin meant regenerating evidence by hand.",
                    "The evidence process was never automated, because it ran once a year.",
                ],
                "Compliance evidence is produced by hand, which makes changes expensive and therefore rare.",
            ),
            why(
                "The outdated library was found only when a new scanner was added.",
                &[
                    "Dependency scans did not cover the card-data environment's images.",
                    "That environment has its own, older pipeline.",
                ],
                "The most sensitive environment has the oldest tooling, because it is the hardest to change.",
            ),
        ],
        factors: &[
            (
                "procedure",
                "Certification evidence was regenerated by hand.",
            ),
            (
                "organisational_pressure",
                "The cost of re-certification made updates look expensive, so they waited.",
            ),
            (
                "tooling_design",
                "The card-data environment's pipeline had no dependency scanning.",
            ),
            (
                "knowledge_training",
                "Only one team knew how to produce the evidence.",
            ),
        ],
        lessons: &[
            (
                Org,
                "A control that freezes a system also owns its updates: every pin comes with a refresh date.",
            ),
            (
                Bp,
                "Certification evidence is generated by the pipeline on every build.",
            ),
            (
                Is,
                "Every pipeline, including the card-data environment's, runs dependency scanning.",
            ),
        ],
        went_well: &[
            "The new scanner found the problem in its first week.",
            "Once the evidence steps were written down, the upgrade took days.",
        ],
        got_lucky: &["The high-rated vulnerability was in a feature the gateway does not use."],
        actions: &[
            act(
                "Generate certification evidence in the payments pipeline",
                "Produce the evidence bundle on every build.",
                "procedure",
                PAYMENTS,
                High,
                "Evidence bundle generated on every build; the assessor accepted it.",
            ),
            act(
                "Add dependency scanning to the card-data pipeline",
                "High findings block deploys.",
                "tooling_design",
                PAYMENTS,
                High,
                "Scans run on every build; high findings block deploys.",
            ),
            act(
                "Give every base image pin a refresh date and an owner",
                "Record pins in the security-debt register with their refresh dates.",
                "organisational_pressure",
                PAYMENTS,
                Medium,
                "Pins recorded in the register; the oldest is 40 days old.",
            ),
            act(
                "Write down the evidence process for a second team",
                "A runbook another team can follow.",
                "knowledge_training",
                PAYMENTS,
                Low,
                "Runbook written; Platform produced evidence once with it.",
            ),
        ],
        interviews: &[
            (
                PAYMENTS,
                "Described the evidence process: screenshots from four consoles, pasted into a document, then signed. It takes two days and nobody wanted to trigger it for a library update.",
            ),
            (
                PAYMENTS,
                "Explained that the pin was added on the assessor's advice during the first certification, with the intention of reviewing it each year.",
            ),
        ],
    },
    Story {
        title: "Password reset link does not expire",
        what: &[
            "A customer reported that a password reset link from a months-old mail still worked. Reset tokens had no expiry in practice: they were invalidated only by use. Anyone with access to an old mail could have reset the account's password. The fix added a one-hour expiry and invalidated all outstanding tokens, {records} of them, {duration} after the report.",
            "Password reset links stayed valid until used, however old they were. A customer noticed when an old reset mail still worked and reported it through the support form. {records} outstanding tokens were invalidated and links now expire after one hour.",
        ],
        interpretations: "Interpretation: the token table has an expiry column, and the code that reads tokens did not check it; the check was lost in a refactoring of the account service.",
        impact: ImpactSpec {
            minutes: (1_440, 10_080),
            people: (3_000, 9_000),
            records: (3_000, 9_000),
            services: "customer accounts",
            cost: &["A day of engineering; no customer impact found."],
            notes: "People affected are the accounts with outstanding tokens. No use of a token older than a day in the last 90 days of logs.",
        },
        whys: &[
            why(
                "Reset links never expired.",
                &[
                    "The token lookup did not check the expiry column.",
                    "The check lived in the old code path and was not carried over in a refactoring.",
                    "No test covered expired tokens.",
                    "The account service's security properties are not written down as tests.",
                ],
                "Security properties live in code paths, not in tests, so a refactoring can remove them silently.",
            ),
            why(
                "The gap was found by a customer.",
                &[
                    "Security testing of the account service focuses on login.",
                    "Reset and recovery flows are tested by hand once a year.",
                ],
                "Account recovery gets less testing than login, though it grants the same access.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "The expiry column existed, but nothing enforced it.",
            ),
            (
                "procedure",
                "The refactoring checklist had no step for security behaviour.",
            ),
            (
                "knowledge_training",
                "The team doing the refactoring joined after the original design.",
            ),
            (
                "communication",
                "The original design notes were in a wiki space the current team did not know about.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Security properties are written down as tests, so they survive team changes.",
            ),
            (
                Bp,
                "Refactoring reviews include a list of the security behaviours the code must keep.",
            ),
            (
                Is,
                "Account recovery flows are part of the automated security test suite.",
            ),
        ],
        went_well: &[
            "The customer's report reached the right team within an hour through support.",
            "Invalidating the outstanding tokens was a single query.",
        ],
        got_lucky: &["The logs show no use of old tokens."],
        actions: &[
            act(
                "Test expiry for every account token type",
                "Reset, verification and invitation tokens.",
                "tooling_design",
                IDENTITY,
                High,
                "Tests for all three token types; all enforce expiry.",
            ),
            act(
                "Add account recovery to the automated security tests",
                "Recovery flows run in the nightly security test suite.",
                "procedure",
                IDENTITY,
                Medium,
                "Recovery flows run nightly.",
            ),
            act(
                "Add a security behaviour list to refactoring reviews",
                "A template section listing the behaviours the code must keep.",
                "procedure",
                IDENTITY,
                Low,
                "Template section added; used in three refactorings.",
            ),
            act(
                "Move design notes next to the code",
                "Design notes move from the wiki to the repository's docs folder.",
                "communication",
                IDENTITY,
                Low,
                "Design notes moved to the repository.",
            ),
        ],
        interviews: &[
            (
                IDENTITY,
                "Described the refactoring: the token lookup was rewritten to use the new data layer, and the tests that existed all passed. Expiry was not among them.",
            ),
            (
                SUPPORT,
                "Support explained that the customer's report came in through the general form and was routed by keyword to the account team within the hour.",
            ),
        ],
    },
    Story {
        title: "Security reviews skipped to meet the release date",
        what: &[
            "Two features shipped at quarter end without the agreed security review. The reviews were requested two weeks before release, when the security team had a queue of eleven reviews and two reviewers. The release date was fixed by a customer commitment. The reviews were completed after the release and found one medium-severity issue, fixed within a week.",
            "A concern was raised that security reviews are being skipped to meet release dates. A look back over the last quarter found two features that shipped without review, both because the review queue was longer than the time to release. Both were reviewed afterwards; one medium-severity issue was found and fixed.",
        ],
        interpretations: "Interpretation: the review process depends on reviewer capacity sized for half the number of teams we have now.",
        impact: ImpactSpec {
            minutes: (0, 0),
            people: (0, 0),
            records: (0, 0),
            services: "release process",
            cost: &["One medium-severity issue in production for eight days."],
            notes: "No exploitation of the issue found.",
        },
        whys: &[
            why(
                "Features shipped without a security review.",
                &[
                    "The review queue was longer than the time to release.",
                    "Two reviewers serve fourteen product teams.",
                    "Reviewer capacity was set when there were six teams.",
                    "Review capacity is not part of release planning.",
                ],
                "Security review capacity is fixed while demand grows with the number of teams.",
            ),
            why(
                "Releasing without the review was the only way to keep the date.",
                &[
                    "The release date was a customer commitment.",
                    "Commitments are made before security work is estimated.",
                ],
                "Dates are committed before the security effort is known.",
            ),
        ],
        factors: &[
            ("workload_staffing", "Two reviewers for fourteen teams."),
            (
                "organisational_pressure",
                "A customer commitment fixed the date before the review was scheduled.",
            ),
            (
                "procedure",
                "No risk-based triage: every feature waits in the same queue.",
            ),
            (
                "communication",
                "Teams could not see the queue length when they planned.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Security review capacity grows with the number of teams, and security champions take part of the load.",
            ),
            (
                Bp,
                "Release planning reserves a review slot when a date is committed.",
            ),
            (
                Bp,
                "Low-risk changes use a self-service checklist; only high-risk ones wait for a reviewer.",
            ),
            (
                Is,
                "The review queue and its waiting time are visible to every team.",
            ),
        ],
        went_well: &[
            "The concern was raised openly in the engineering forum, which is what the forum is for.",
            "The late reviews were done within two weeks and the finding fixed within one.",
        ],
        got_lucky: &["The issue found was reachable only after authentication."],
        actions: &[
            act(
                "Introduce risk-based triage for security reviews",
                "A self-service checklist for low-risk changes.",
                "procedure",
                SECOPS,
                High,
                "Checklist live; waiting time for high-risk reviews fell from 16 to 6 days.",
            ),
            act(
                "Train security champions to do first-line reviews",
                "Champions take first-line reviews for their own teams.",
                "workload_staffing",
                SECOPS,
                Medium,
                "Five champions trained and reviewing.",
            ),
            act(
                "Reserve a review slot when a customer date is committed",
                "The commitment template asks for a review slot.",
                "organisational_pressure",
                "",
                Medium,
                "Commitment template updated.",
            ),
            act(
                "Publish the review queue and waiting time",
                "On the engineering dashboard.",
                "communication",
                SECOPS,
                Low,
                "Queue published on the engineering dashboard.",
            ),
        ],
        interviews: &[
            (
                SECOPS,
                "Described the queue: eleven reviews, each taking two to four days, and requests arriving with a week's notice. Reviews were done in order of arrival because there was no agreed way to rank them.",
            ),
            (
                ANYONE,
                "A product lead explained that the customer date was agreed in a sales call, and the security review was not on the list of things to check before agreeing a date.",
            ),
        ],
    },
    Story {
        title: "Shared admin account still used by the data team",
        what: &[
            "The data team signs in to the warehouse with one shared admin account whose password is in a spreadsheet that {people} people can open. The account has been used for daily work since the warehouse was set up, because individual accounts needed a ticket per person and the warehouse's SSO integration was a paid add-on. The concern came from a new team member during onboarding.",
            "A new joiner raised a concern about a shared admin account on the data warehouse, with its password kept in a spreadsheet. The review found the account in daily use by {people} people and three scheduled jobs. Individual accounts were created and the shared account disabled once the jobs moved to service accounts.",
        ],
        interpretations: "Interpretation: the shared account started as a set-up convenience and became the normal way of working, because there was never a natural moment to change it.",
        impact: ImpactSpec {
            minutes: (0, 0),
            people: (8, 16),
            records: (0, 0),
            services: "data warehouse",
            cost: &["The warehouse SSO add-on and a week of migration work."],
            notes: "No misuse found in the 180 days the query log covers; actions under the shared account cannot be attributed to a person.",
        },
        whys: &[
            why(
                "A shared admin account was used for daily work.",
                &[
                    "Individual accounts needed a ticket per person.",
                    "The warehouse's SSO integration was a paid add-on.",
                    "The add-on was not in the budget request, which was written before the team grew.",
                ],
                "Identity integration is treated as an optional extra in tool purchases.",
            ),
            why(
                "The password was kept in a spreadsheet.",
                &[
                    "Several people needed it every day.",
                    "The team had no shared vault in the password manager.",
                ],
                "Teams without a shared vault improvise one.",
            ),
        ],
        factors: &[
            (
                "organisational_pressure",
                "Budget for SSO was not requested when the tool was bought.",
            ),
            ("procedure", "Account creation needed a ticket per person."),
            (
                "tooling_design",
                "The warehouse offered no SSO without the add-on.",
            ),
            (
                "knowledge_training",
                "The team did not know shared vaults were available.",
            ),
        ],
        lessons: &[
            (
                Org,
                "SSO is a requirement in every tool purchase, not an extra.",
            ),
            (
                Bp,
                "Onboarding asks new joiners what looked odd to them: fresh eyes find normalised risks.",
            ),
            (
                Is,
                "The warehouse uses SSO with per-person accounts, and jobs run under service accounts.",
            ),
        ],
        went_well: &[
            "A new joiner felt safe raising the concern in their first week.",
            "Moving the three jobs to service accounts took a day.",
        ],
        got_lucky: &["The query log showed no misuse, although attribution was impossible."],
        actions: &[
            act(
                "Enable warehouse SSO with per-person accounts",
                "Buy the add-on, create personal accounts and disable the shared one.",
                "tooling_design",
                DATA,
                High,
                "SSO live with 14 personal accounts; the shared account is disabled.",
            ),
            act(
                "Move scheduled jobs to service accounts",
                "Credentials for the jobs move to the secrets store.",
                "procedure",
                DATA,
                Medium,
                "Three jobs moved; credentials in the secrets store.",
            ),
            act(
                "Add SSO to the procurement checklist",
                "Every tool purchase states how it integrates with SSO and what that costs.",
                "organisational_pressure",
                "",
                Medium,
                "Checklist updated; two purchases since included SSO.",
            ),
            act(
                "Set up shared vaults for every team",
                "A vault per team in the password manager, with a short guide.",
                "knowledge_training",
                SECOPS,
                Low,
                "Every team has a vault; guide published.",
            ),
        ],
        interviews: &[
            (
                REPORTER,
                "The new joiner described being sent the spreadsheet on day two with the message 'everyone uses this'. It seemed odd, and the report form's promise of confidentiality made it easy to raise.",
            ),
            (
                DATA,
                "The team lead explained that the shared account was meant to last a week while the warehouse was set up, three years ago.",
            ),
        ],
    },
    Story {
        title: "On-call engineer alone for incidents at night",
        what: &[
            "A concern was raised that night-time incidents are handled by one engineer with no clear way to escalate. A look back over six months found nine night-time pages, three of which needed a second person, found each time by calling colleagues from a personal phone list. The escalation policy had one level.",
            "Night incidents were handled by one person. During a database incident lasting {duration}, the on-call engineer needed a second pair of hands and had no rota to call; help came from a colleague who happened to be awake. The concern was raised the next day.",
        ],
        interpretations: "Interpretation: the rota was designed when night pages were rare; their number has tripled without a change in design.",
        impact: ImpactSpec {
            minutes: (60, 240),
            people: (0, 0),
            records: (0, 0),
            services: "on-call",
            cost: &["No direct cost; fatigue and slower response at night."],
            notes: "Pages counted from the paging system for the last six months.",
        },
        whys: &[
            why(
                "Night incidents depend on one person.",
                &[
                    "The rota has one level.",
                    "A second level needs people willing to be woken, and an allowance for it.",
                    "On-call allowances were last reviewed three years ago.",
                ],
                "On-call design has not changed with the load it carries.",
            ),
            why(
                "Help at night comes from personal phone lists.",
                &[
                    "There is no escalation beyond the first responder.",
                    "Escalation was defined for business hours only.",
                ],
                "Escalation paths assume office hours.",
            ),
        ],
        factors: &[
            (
                "workload_staffing",
                "One person covers nights, and night pages have tripled.",
            ),
            ("procedure", "The escalation policy had one level."),
            (
                "organisational_pressure",
                "On-call allowances were not reviewed as the load grew.",
            ),
            (
                "communication",
                "There was no shared list of who could be reached at night.",
            ),
        ],
        lessons: &[
            (
                Org,
                "On-call is paid for and staffed as work, and reviewed when the load changes.",
            ),
            (
                Bp,
                "Every escalation policy has a second level at every hour.",
            ),
            (
                Is,
                "The paging system escalates automatically when a page is not acknowledged.",
            ),
        ],
        went_well: &[
            "The concern came in through the report form the next day, while the details were fresh.",
        ],
        got_lucky: &["The colleague who helped happened to be awake."],
        actions: &[
            act(
                "Add a secondary on-call level",
                "A secondary rota for nights and weekends.",
                "workload_staffing",
                SECOPS,
                High,
                "Secondary rota of six people live.",
            ),
            act(
                "Escalate unacknowledged pages automatically",
                "Pages escalate to the secondary after ten minutes.",
                "procedure",
                SECOPS,
                High,
                "Unacknowledged pages escalate after ten minutes.",
            ),
            act(
                "Review on-call allowances",
                "Allowances reflect the current page volume.",
                "organisational_pressure",
                "",
                Medium,
                "Allowance raised and published with the rota.",
            ),
            act(
                "Publish who can be reached at night",
                "Rota and escalation contacts live in the paging system, not in personal lists.",
                "communication",
                SECOPS,
                Low,
                "Contacts in the paging system.",
            ),
        ],
        interviews: &[
            (
                LEAD,
                "Described a night page: the database needed a failover and a check from a second person before promotion. Three calls from a personal list before someone answered.",
            ),
            (
                ANYONE,
                "A colleague who answered one of those calls described the next day's work: tired, and with no note of the night's decisions to hand over.",
            ),
        ],
    },
    Story {
        title: "Expired TLS certificate took the partner API offline",
        what: &[
            "The TLS certificate on the partner API expired at 02:00 UTC, and partner integrations began failing their handshakes at once. The first signal was an email from a partner at 06:45; our monitoring checked that the API answered, not that its certificate was valid. A renewed certificate was deployed {duration} after the expiry. It was the one certificate still issued by hand, outside the automated renewal that covers our other domains.",
            "Partners could not reach the partner API for {duration} because its TLS certificate expired during the night. It was the last certificate still renewed by hand; the renewal reminders went to the mailbox of a team that has since been reorganised. {people} partners saw failed handshakes.",
        ],
        interpretations: "Interpretation: the partner API used a certificate type the automated issuer does not support, which is why it stayed manual.",
        impact: ImpactSpec {
            minutes: (300, 360),
            people: (20, 40),
            records: (0, 0),
            services: "partner API",
            cost: &[
                "Service credits to two partners under their SLA.",
                "About a day of partner support.",
            ],
            notes: "People affected are partners, counted from failed handshakes in the load balancer logs.",
        },
        whys: &[
            why(
                "A certificate expired in production.",
                &[
                    "It was renewed by hand.",
                    "Renewal reminders went to a mailbox that nobody has read since a reorganisation.",
                    "The certificate type is not supported by our automated issuer.",
                ],
                "Exceptions to automation have no owner once the people who made them move on.",
            ),
            why(
                "The outage was first reported by a partner.",
                &[
                    "Monitoring checked the API's availability, not its certificate.",
                    "Certificate checks exist only for domains managed by automation.",
                ],
                "Monitoring covers what automation manages, so the exceptions go unmonitored.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "The certificate type was not supported by automated renewal.",
            ),
            (
                "communication",
                "Renewal reminders went to an orphaned mailbox.",
            ),
            (
                "procedure",
                "There was no inventory of certificates managed by hand.",
            ),
            (
                "knowledge_training",
                "The API's current owners did not know it had a manual certificate.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Every exception to automation has a named owner and a review date.",
            ),
            (
                Bp,
                "Reorganisations move mailboxes, aliases and reminders along with the systems they belong to.",
            ),
            (
                Is,
                "Certificate expiry is monitored from outside for every public endpoint.",
            ),
        ],
        went_well: &[
            "Renewal and deployment took 45 minutes once started.",
            "Partner communication was quick and clear, using a prepared template.",
        ],
        got_lucky: &["The certificate expired at night, when partner traffic is lowest."],
        actions: &[
            act(
                "Monitor certificate expiry on every public endpoint",
                "External checks alerting 21 days before expiry.",
                "tooling_design",
                SECOPS,
                High,
                "External checks for 48 endpoints; alerts 21 days before expiry.",
            ),
            act(
                "Move the partner API to an automated certificate",
                "Agree the change of certificate type with partners.",
                "tooling_design",
                PLATFORM,
                Medium,
                "Partner API uses an automated certificate.",
            ),
            act(
                "Keep an inventory of certificates managed by hand",
                "Each with an owner and a renewal date.",
                "procedure",
                PLATFORM,
                Medium,
                "Inventory of five manual certificates, each with an owner.",
            ),
            act(
                "Move aliases and reminders in reorganisations",
                "Add them to the reorganisation checklist.",
                "communication",
                "",
                Low,
                "Reorganisation checklist includes aliases and reminders.",
            ),
        ],
        interviews: &[
            (
                LEAD,
                "Described the morning: the partner's email arrived at 06:45, and the browser showed the expiry at once. Finding where the certificate came from took longer than renewing it.",
            ),
            (
                PLATFORM,
                "Explained that the certificate type was chosen for a partner requirement five years ago; the requirement has since been dropped.",
            ),
        ],
    },
    Story {
        title: "Intrusion alerts routed to a retired mailbox",
        what: &[
            "When alerting moved to the new pipeline, the intrusion detection system kept sending to its old mailbox, which was retired in the same move. The mail server accepted its alerts and discarded them. For {duration} no IDS alert reached anyone. During that time the IDS recorded a port scan and repeated login attempts against a staging host. The gap came to light when a weekly report listed hundreds of unacknowledged alerts. The staging host shows no successful login.",
            "IDS alerts went nowhere for {duration} after the alerting migration. The IDS sent to an address that no longer delivered, and nothing reported the failure. A weekly summary showed a rising count of unacknowledged alerts, which led to the discovery. Login attempts on a staging host were among the undelivered alerts; none succeeded.",
        ],
        interpretations: "Interpretation: the migration list was built from the alerting system's sources; the IDS sends mail directly and so did not appear on it.",
        impact: ImpactSpec {
            minutes: (20_160, 30_240),
            people: (0, 0),
            records: (0, 0),
            services: "IDS, alerting, staging",
            cost: &["Two days of investigation on the staging host."],
            notes: "Alerts counted in the IDS; host logs show no successful login.",
        },
        whys: &[
            why(
                "IDS alerts reached no one.",
                &[
                    "They were sent to a retired mailbox.",
                    "The IDS was not on the migration list.",
                    "The list came from the alerting system's configuration, and the IDS sends mail directly.",
                ],
                "No single inventory of alert sources exists, so migrations depend on what one system knows.",
            ),
            why(
                "Undelivered alerts produced no error.",
                &[
                    "The retired mailbox accepted and discarded mail.",
                    "Alert delivery is fire-and-forget; nothing checks that alerts arrive.",
                ],
                "Alerting has no end-to-end check that signals reach a person.",
            ),
        ],
        factors: &[
            (
                "communication",
                "The IDS owners were not part of the migration planning.",
            ),
            (
                "procedure",
                "The migration had no check that every old route was replaced.",
            ),
            (
                "tooling_design",
                "The retired mailbox discarded mail silently instead of rejecting it.",
            ),
            (
                "workload_staffing",
                "The migration was run by one engineer alongside on-call duties.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Alerting is a product with an owner and an inventory of its sources.",
            ),
            (
                Bp,
                "Migrations of alert routes end with a test alert from every source.",
            ),
            (
                Is,
                "A daily heartbeat from each detection source proves its route works.",
            ),
        ],
        went_well: &[
            "The weekly summary report caught the gap.",
            "Host logs were complete and answered the key question quickly.",
        ],
        got_lucky: &["The scanned host was in staging, with no customer data."],
        actions: &[
            act(
                "Send a daily heartbeat from every alert source",
                "A missing heartbeat pages on-call.",
                "tooling_design",
                SECOPS,
                High,
                "Heartbeats from 11 sources; a missing heartbeat pages on-call.",
            ),
            act(
                "Make retired mailboxes reject mail",
                "Retired addresses return an error instead of discarding.",
                "tooling_design",
                PLATFORM,
                Medium,
                "Retired mailboxes reject mail with an error.",
            ),
            act(
                "Keep an inventory of alert sources",
                "Every source with its owner and route.",
                "communication",
                SECOPS,
                Medium,
                "Inventory of alert sources with owners.",
            ),
            act(
                "Add a test alert from every source to migration runbooks",
                "A migration is complete when every source's test alert has arrived.",
                "procedure",
                PLATFORM,
                Low,
                "Runbook step added.",
            ),
        ],
        interviews: &[
            (
                PLATFORM,
                "Described the migration: sources were exported from the old alerting system and recreated one by one. The IDS did not appear in the export because it never went through that system.",
            ),
            (
                SECOPS,
                "The analyst who read the weekly report explained that the unacknowledged count had been rising for two weeks; the first week it looked like a reporting glitch.",
            ),
        ],
    },
    Story {
        title: "Supplier breach exposed support ticket attachments",
        what: &[
            "The support-desk vendor told us that an attacker had accessed its attachment storage for {duration}, and that our tenant was in scope. Attachments uploaded to support tickets were kept indefinitely, so {records} files from {people} customers were exposed, including screenshots with account details and some identity documents. Affected customers and the data protection authority were notified within 72 hours of the vendor's notice.",
            "A breach at our support-desk vendor exposed {records} attachments uploaded by {people} of our customers. Attachments had no retention limit, so files going back two years were in scope. The vendor's notification arrived nine days after they detected the breach.",
        ],
        interpretations: "Interpretation: the support desk was approved as a low-risk tool because tickets were expected to hold only text; attachments were enabled later without a new assessment.",
        impact: ImpactSpec {
            minutes: (15_840, 15_840),
            people: (1_800, 4_200),
            records: (6_000, 14_000),
            services: "support desk (vendor)",
            cost: &[
                "Notifications to customers and the regulator; about 200 hours of support and legal time.",
                "Credit monitoring offered to the customers whose identity documents were exposed.",
            ],
            notes: "Counts from the vendor's list of exposed objects in our tenant; identity documents estimated from file names.",
        },
        whys: &[
            why(
                "Two years of customer attachments were exposed in a vendor breach.",
                &[
                    "Attachments were kept indefinitely.",
                    "The support desk's retention setting was at its default.",
                    "The vendor assessment did not cover attachments, which were enabled later.",
                ],
                "Vendor risk assessments happen once, at purchase, and do not follow the features we turn on.",
            ),
            why(
                "Customers sent identity documents through support tickets.",
                &[
                    "Identity checks asked customers to upload documents to a ticket.",
                    "There was no dedicated verification flow.",
                ],
                "Sensitive data flows through general-purpose tools when no purpose-built path exists.",
            ),
        ],
        factors: &[
            ("external", "The breach happened at the vendor."),
            (
                "procedure",
                "Vendor assessments are not repeated when new features are enabled.",
            ),
            (
                "tooling_design",
                "The support desk keeps attachments forever by default.",
            ),
            (
                "communication",
                "The vendor's notification took nine days to arrive.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Vendors are reassessed when what we send them changes, not only at renewal.",
            ),
            (
                Bp,
                "Identity verification has its own flow; support tickets never collect documents.",
            ),
            (
                Is,
                "Data held by vendors has a retention limit that we set.",
            ),
        ],
        went_well: &[
            "Legal, support and security had a joint notification plan within 24 hours.",
            "The vendor's object list made counting affected customers precise.",
        ],
        got_lucky: &["Card numbers are filtered out of support tickets, and the filter held."],
        actions: &[
            act(
                "Set attachment retention to 30 days in the support desk",
                "Delete older attachments.",
                "tooling_design",
                SUPPORT,
                Urgent,
                "Retention set to 30 days; older attachments deleted.",
            ),
            act(
                "Reassess vendors when a new kind of data is sent to them",
                "The vendor register triggers a reassessment.",
                "procedure",
                SECOPS,
                Medium,
                "Vendor register triggers reassessment on new data types.",
            ),
            act(
                "Build an identity verification flow outside support tickets",
                "Support macros point customers to the new flow.",
                "procedure",
                IDENTITY,
                High,
                "Verification flow live; support macros point to it.",
            ),
            act(
                "Require breach notification within 72 hours in vendor contracts",
                "Update the contract template.",
                "communication",
                "",
                Medium,
                "Contract template updated.",
            ),
        ],
        interviews: &[
            (
                LEAD,
                "Described the first day after the vendor's notice: the object list arrived as a spreadsheet of file paths, and matching them to customers took a script and most of the night.",
            ),
            (
                SUPPORT,
                "Support explained that asking for identity documents by ticket was a stopgap from the launch of a new market, when there was no other way to verify accounts.",
            ),
        ],
    },
    Story {
        title: "Laptop with cached customer data lost on a train",
        what: &[
            "A sales laptop was left on a train and reported lost through the service desk {duration} later. The disk was encrypted, but the laptop was asleep rather than shut down, so the key was in memory. It held an offline copy of a customer list from the CRM, {records} contacts. A remote wipe was issued at once and confirmed when the laptop connected to a network two days later.",
            "A laptop in sleep mode was lost on a train with a cached customer list of {records} contacts. Full-disk encryption protects a laptop that is off; a sleeping one keeps its key in memory. The service desk issued a remote wipe within minutes of the report, and the device checked in and wiped two days later.",
        ],
        interpretations: "Interpretation: the CRM's offline mode caches whole lists for travel, and sales teams rely on it on trains with poor connectivity.",
        impact: ImpactSpec {
            minutes: (40, 240),
            people: (1_500, 5_000),
            records: (1_500, 5_000),
            services: "endpoints, CRM",
            cost: &[
                "A replacement laptop; the risk assessment concluded no notification was needed.",
            ],
            notes: "Contacts counted from the CRM's offline sync log; the wipe was confirmed by device management.",
        },
        whys: &[
            why(
                "Customer data was on a lost device that was not fully protected.",
                &[
                    "The laptop was asleep, so the disk key was in memory.",
                    "Laptops sleep when the lid closes.",
                    "Hibernation was turned off because it slowed wake-up on older hardware.",
                ],
                "Endpoint security settings are traded for performance without a record of the risk accepted.",
            ),
            why(
                "The laptop held a full customer list.",
                &[
                    "The CRM's offline mode syncs whole lists.",
                    "Sales need offline data when travelling.",
                    "Offline sync has no limit by territory or age.",
                ],
                "Offline access is all or nothing, so devices carry more data than the work needs.",
            ),
        ],
        factors: &[
            (
                "tooling_design",
                "Sleep on lid close keeps the disk key in memory.",
            ),
            (
                "organisational_pressure",
                "Hibernation was disabled to speed up old laptops instead of replacing them.",
            ),
            (
                "procedure",
                "CRM offline mode had no limit on what it syncs.",
            ),
            (
                "knowledge_training",
                "Travel guidance did not explain that sleep mode weakens disk encryption.",
            ),
        ],
        lessons: &[
            (
                Org,
                "Security settings turned off for performance are recorded as risk acceptances with an expiry.",
            ),
            (
                Bp,
                "Lost devices are reported within minutes: the service desk number is on every laptop.",
            ),
            (
                Is,
                "Laptops hibernate after 30 minutes of sleep, and CRM offline sync covers only the user's own accounts.",
            ),
        ],
        went_well: &[
            "The loss was reported promptly and the wipe issued within minutes.",
            "Device management confirmed the wipe, so the risk assessment rested on facts.",
        ],
        got_lucky: &[
            "The laptop came online two days later; a device that stays offline is never confirmed wiped.",
        ],
        actions: &[
            act(
                "Hibernate laptops after 30 minutes of sleep",
                "Device policy for all laptops; replace models too slow to wake.",
                "tooling_design",
                PLATFORM,
                High,
                "Policy applied to all laptops; eleven old models replaced.",
            ),
            act(
                "Limit CRM offline sync to the user's own accounts",
                "Territory-based offline lists.",
                "procedure",
                DATA,
                Medium,
                "Offline sync limited; the average offline list fell from 4,000 to 300 contacts.",
            ),
            act(
                "Record disabled endpoint settings as risk acceptances",
                "Each with an owner and an expiry.",
                "organisational_pressure",
                SECOPS,
                Medium,
                "Three settings recorded with owners and expiry dates.",
            ),
            act(
                "Explain sleep versus shut down in travel guidance",
                "One paragraph and a lock-screen reminder.",
                "knowledge_training",
                SECOPS,
                Low,
                "Travel guidance updated.",
            ),
        ],
        interviews: &[
            (
                REPORTER,
                "Described the journey: the laptop was in a bag on the luggage rack and the train was busy at the change. The loss was noticed on the platform, and the service desk number was found on the intranet from a phone.",
            ),
            (
                ANYONE,
                "The service desk explained that the wipe command queues until the device connects, and that the confirmation arrived on the second day.",
            ),
        ],
    },
];

/// Said of a review whatever the case: mixed in now and then.
const GENERIC_LESSONS: &[(LessonLevel, &str)] = &[
    (
        Org,
        "A report that arrives early is worth more than one that is complete; the first report is thanked, whatever it turns out to be.",
    ),
    (
        Org,
        "Security debt is shown next to product debt and gets the same planning attention.",
    ),
    (
        Bp,
        "Every runbook names its owner and the date it was last used, in an incident or a drill.",
    ),
    (
        Bp,
        "Hand-offs between teams are written down where both teams look, not in one team's tool.",
    ),
    (
        Is,
        "Defaults carry the security decision: systems ship with the safe setting on.",
    ),
    (
        Is,
        "Every control we rely on has a signal that tells us it is working.",
    ),
];

const GENERIC_WENT_WELL: &[&str] = &[
    "The first report came in quickly and was acknowledged within minutes.",
    "The timeline was recorded as events happened, which made this review much easier.",
    "People from three teams joined the response without needing to be asked twice.",
];

const GENERIC_GOT_LUCKY: &[&str] = &[
    "It happened during working hours, when the people who knew the system were at their desks.",
    "Nobody outside the company found it before we did.",
];

/// Lessons kept to the review's readers: they name contracts, insurers or
/// negotiations, not people.
const RESTRICTED_LESSONS: &[(LessonLevel, &str)] = &[
    (
        Bp,
        "The legal review of notification duties took two days because the affected customer's contract was missing from the contract register; the register needs to cover all enterprise contracts.",
    ),
    (
        Org,
        "The insurer must be told within 48 hours of a confirmed breach, sooner than our internal escalation assumes.",
    ),
    (
        Bp,
        "The regulator's out-of-hours contact was known only as a personal number; the legal on-call list now holds it.",
    ),
    (
        Org,
        "The cost figures in this review inform contract negotiations with the supplier and stay restricted until those end.",
    ),
];

const WONT_DO: &[&str] = &[
    "Superseded by a platform-wide change that covers the same risk; tracked in the security-debt register.",
    "The system is being retired next quarter; leadership accepted the remaining risk until then.",
    "A simpler control addressing the same factor was found during design and is tracked as its own item.",
    "The vendor added the capability natively, so our own implementation is no longer needed.",
    "The cost is out of proportion to the risk after analysis; a risk acceptance is signed with a review date.",
    "Duplicate of an item from an earlier review that is already in progress.",
];

const CHECK_EFFECTIVE: &[&str] = &[
    "Re-ran the original scenario in staging; the new control stopped it.",
    "Thirty days of data show no recurrence, and the new alert fired correctly on two test events.",
    "Sampled ten changes since the fix; all followed the new path.",
    "A tabletop exercise with the on-call team used the new procedure without prompting.",
];

const CHECK_NOT_EFFECTIVE: &[&str] = &[
    "The control works in staging, but two production accounts were never enrolled; a follow-up item is open.",
    "Adoption is low: most teams still use the old path. The new route needs to be the default, not an option.",
    "The alert fires, but into a channel nobody watches at night; the routing needs to change.",
    "The same class of event recurred twice in the check period: the fix addressed a symptom rather than the factor.",
];

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

fn story_for(title: &str) -> &'static Story {
    STORIES
        .iter()
        .find(|s| s.title == title)
        .unwrap_or(&STORIES[0])
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
    let story = story_for(case.title);
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
            rng.pick(spec.cost).to_string()
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
    let what_happened = fill(rng.pick::<&str>(story.what), &impact);
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
            category: story.factors[i].0.to_string(),
            explanation: story.factors[i].1.to_string(),
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
            .filter(|l| l.0 == *level)
            .map(|l| l.1)
            .collect();
        let generic: Vec<&str> = GENERIC_LESSONS
            .iter()
            .filter(|l| l.0 == *level)
            .map(|l| l.1)
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
        let (level, body) = rng.pick(RESTRICTED_LESSONS);
        lessons.push(LessonRecord {
            level: *level,
            body: (*body).to_string(),
            restricted: true,
        });
    }

    let went_well = if story.went_well.is_empty() || !(complete || rng.chance(30)) {
        String::new()
    } else if rng.chance(70) {
        let mut s = rng.pick(story.went_well).to_string();
        if rng.chance(25) {
            s.push(' ');
            s.push_str(rng.pick::<&str>(GENERIC_WENT_WELL));
        }
        s
    } else if rng.chance(50) {
        rng.pick(GENERIC_WENT_WELL).to_string()
    } else {
        String::new()
    };
    let got_lucky = if complete && rng.chance(50) {
        if story.got_lucky.is_empty() || rng.chance(15) {
            rng.pick(GENERIC_GOT_LUCKY).to_string()
        } else {
            rng.pick(story.got_lucky).to_string()
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
            let (who, notes) = story.interviews[i];
            let (participant, participant_id) = match who {
                LEAD => (
                    cast.name(case.lead).unwrap_or("Case lead").to_string(),
                    Some(case.lead),
                ),
                REPORTER => ("Reporter (confidential)".to_string(), None),
                team => {
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
                notes: notes.to_string(),
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
        let Some(owner) = cast.owner(rng, a.team) else {
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
                    title: a.title.to_string(),
                    description: a.description.to_string(),
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
            a.done,
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
            r.closing_note = Some(rng.pick(WONT_DO).to_string());
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
                    CHECK_EFFECTIVE
                } else {
                    CHECK_NOT_EFFECTIVE
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
    use debrief_core::lint::{LintConfig, Linter, People};

    #[test]
    fn every_case_template_has_a_story_and_stories_are_well_formed() {
        for title in crate::demo_activity::template_titles() {
            assert!(
                STORIES.iter().any(|s| s.title == title),
                "no review story for {title}"
            );
        }
        let keys: Vec<&str> = debrief_core::review::FACTOR_CATEGORIES
            .iter()
            .map(|k| k.0)
            .collect();
        for s in STORIES {
            assert!(s.what.len() >= 2 && !s.whys.is_empty(), "{}", s.title);
            assert!(s.factors.len() >= 4, "{}: at least four factors", s.title);
            for (k, _) in s.factors {
                assert!(keys.contains(k), "{}: unknown factor {k}", s.title);
            }
            let mut cats: Vec<&str> = s.factors.iter().map(|f| f.0).collect();
            cats.sort_unstable();
            cats.dedup();
            assert_eq!(cats.len(), s.factors.len(), "{}: factor twice", s.title);
            for level in LessonLevel::ALL {
                assert!(
                    s.lessons.iter().any(|l| l.0 == *level),
                    "{}: no {level} lesson",
                    s.title
                );
            }
            assert!(s.actions.len() >= 4, "{}", s.title);
            for a in s.actions {
                assert!(keys.contains(&a.factor), "{}: {}", s.title, a.factor);
            }
            assert!(s.interviews.len() >= 2, "{}", s.title);
        }
    }

    #[test]
    fn the_texts_pass_the_blameless_language_checker() {
        let people: String = crate::demo::people_names().join("\n");
        let linter = Linter::new(LintConfig::default(), People::parse(&people));
        let mut texts: Vec<String> = Vec::new();
        for s in STORIES {
            texts.extend(s.what.iter().map(|t| t.to_string()));
            texts.push(s.interpretations.to_string());
            for w in s.whys {
                texts.push(w.problem.to_string());
                texts.extend(w.steps.iter().map(|t| t.to_string()));
                texts.push(w.systemic.to_string());
            }
            texts.extend(s.factors.iter().map(|f| f.1.to_string()));
            texts.extend(s.lessons.iter().map(|l| l.1.to_string()));
            texts.extend(s.went_well.iter().map(|t| t.to_string()));
            texts.extend(s.got_lucky.iter().map(|t| t.to_string()));
            texts.extend(s.interviews.iter().map(|t| t.1.to_string()));
            for a in s.actions {
                texts.extend([a.title, a.description, a.done].map(String::from));
            }
        }
        for pool in [
            GENERIC_WENT_WELL,
            GENERIC_GOT_LUCKY,
            WONT_DO,
            CHECK_EFFECTIVE,
            CHECK_NOT_EFFECTIVE,
        ] {
            texts.extend(pool.iter().map(|t| t.to_string()));
        }
        texts.extend(GENERIC_LESSONS.iter().map(|l| l.1.to_string()));
        texts.extend(RESTRICTED_LESSONS.iter().map(|l| l.1.to_string()));
        let mut problems = Vec::new();
        for t in &texts {
            for f in linter.check(t) {
                problems.push(format!("{} {:?} in: {t}", f.rule, f.matched));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn figures_read_naturally() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(duration_words(45), "about 45 minutes");
        assert_eq!(duration_words(150), "about 3 hours");
        assert_eq!(duration_words(3 * 1440), "about 3 days");
    }
}
