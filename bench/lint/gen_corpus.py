#!/usr/bin/env python3
"""Writes SIZE bytes (default 100 MB) of generated security postmortems in
Markdown: front matter, summary, a timeline that names people from the
directory, impact, analysis, contributing factors, code blocks, links and an
action-item table. About one prose sentence in eight is blameful (a person as
the agent of a failure, judgement, hindsight or "human error"), the rest is
neutral, including the traps the checker must not flag. Deterministic."""
import argparse
import random

SYSTEMS = ["the customer portal", "the payments API", "the SSO gateway", "the build pipeline", "the VPN concentrator",
           "the admin console", "the log pipeline", "the object store", "the mail relay", "the DNS zone",
           "the Kubernetes cluster", "the secrets vault", "the CDN edge", "the data warehouse", "the mobile backend"]
THINGS = ["firewall rule", "TLS certificate", "API key", "IAM policy", "bucket policy", "WAF rule", "signing key",
          "backup job", "alert rule", "feature flag", "rate limit", "service account", "OAuth client", "DNS record",
          "audit log", "MFA setting", "deploy script", "access list"]
ROLES = ["the on-call engineer", "the incident commander", "the security lead", "the support agent",
         "the database administrator", "the release manager", "the SOC analyst", "a responder"]
ACTIONS = ["paged {r}", "opened the incident channel", "acknowledged the alert", "started the timeline",
           "rotated the {t}", "rolled back the deployment", "confirmed the backups were intact",
           "escalated to {r}", "restored service", "blocked the malicious IP ranges", "revoked the session tokens",
           "disabled the compromised account", "posted a status update", "asked the vendor for logs",
           "captured a forensic image", "joined the bridge call", "verified the fix in staging",
           "noticed the spike in {s} errors", "wrote the customer notification"]
NEUTRAL = [
    "The {t} for {s} had been changed by an automated job two days earlier.",
    "Grafana showed the error rate for {s} climbing from {h}:{m}.",
    "The health check failed and the load balancer drained the node.",
    "Requests to {s} returned error 500 for about {n} minutes.",
    "Jenkins failed the build because the signing certificate had expired.",
    "Kafka dropped messages when the broker disk filled up.",
    "The service crashed with a segmentation fault in the TLS parser.",
    "The cluster is fault-tolerant across three zones, but {s} ran in one.",
    "The default {t} on the appliance had never been changed.",
    "Running git blame on the policy file showed the rule came from a bulk import.",
    "The runbook should include a step to verify the {t} after each change.",
    "{R} escalated to the security lead within ten minutes.",
    "The alert for {s} fired {n} times in the previous week without action, so it was easy to dismiss.",
    "No dashboard showed the expiry date of the {t}.",
    "The change passed review; the diff did not show the effect on {s}.",
    "Two similar {t}s existed, and the console listed them in the same colour.",
    "The procedure assumed a staging environment that had been retired in March.",
    "Ansible overwrote the {t} on every host in the fleet.",
    "Every production change should have a named reviewer.",
    "The attacker used a token that had been valid for {n} days.",
    "Logs for {s} were retained for seven days, which limited the investigation.",
    "The responders worked from the incident channel and a shared document.",
    "We confirmed that no customer data left {s}.",
    "Lazy loading of the permissions module delayed the authorization check.",
]
BLAMEFUL = [
    "{P} misconfigured the {t} for {s}.",
    "{P} forgot to renew the {t} before the weekend.",
    "{G}'s change broke {s} for every tenant.",
    "The {t} was deleted by {P} during the cleanup.",
    "{P} should have checked the {t} before merging.",
    "The root cause was human error.",
    "The team was careless with the {t}.",
    "Someone dropped the ball on the {t} renewal.",
    "Obviously, the {t} was going to fail eventually.",
    "This could easily have been prevented with a simple check.",
    "{P} ignored the alert for {n} minutes.",
    "It came down to operator error on the night shift.",
]
FACTORS = ["procedure", "tooling/design", "communication", "workload/staffing", "knowledge", "organisational pressure"]


def para(rng, people, n, blame_rate):
    out = []
    for _ in range(n):
        tmpl = rng.choice(BLAMEFUL) if rng.random() < blame_rate else rng.choice(NEUTRAL)
        out.append(fill(rng, people, tmpl))
    return " ".join(out)


def fill(rng, people, tmpl):
    p = rng.choice(people)
    return tmpl.format(
        P=p, G=p.split()[0], s=rng.choice(SYSTEMS), t=rng.choice(THINGS), r=rng.choice(ROLES),
        R=rng.choice(ROLES).capitalize(), n=rng.randint(2, 90), h=f"{rng.randint(0, 23):02d}",
        m=f"{rng.randint(0, 59):02d}")


def review(rng, people, i, blame_rate):
    s = rng.choice(SYSTEMS)
    t = rng.choice(THINGS)
    lines = [
        "---",
        f"title: Incident {i}: {t} on {s}",
        f"date: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"severity: sev{rng.randint(1, 4)}",
        "---",
        "",
        f"# Incident {i}: {t} on {s}",
        "",
        "## Summary",
        "",
        para(rng, people, rng.randint(3, 6), blame_rate),
        "",
        "## Timeline",
        "",
    ]
    h, m = rng.randint(0, 20), rng.randint(0, 59)
    for _ in range(rng.randint(8, 20)):
        m += rng.randint(1, 25)
        h, m = h + m // 60, m % 60
        who = rng.choice(people) if rng.random() < 0.7 else rng.choice(ROLES).capitalize()
        act = rng.choice(ACTIONS).format(r=rng.choice(ROLES), t=rng.choice(THINGS), s=rng.choice(SYSTEMS))
        lines.append(f"- {h % 24:02d}:{m:02d} {who} {act}.")
    lines += [
        "",
        "## Impact",
        "",
        para(rng, people, rng.randint(2, 4), blame_rate),
        "",
        "## Why it happened",
        "",
        para(rng, people, rng.randint(4, 8), blame_rate),
        "",
        para(rng, people, rng.randint(3, 6), blame_rate),
        "",
    ]
    if rng.random() < 0.5:
        lines += [
            "The failing request, for reference:",
            "",
            "```http",
            f"GET /api/v1/{t.replace(' ', '-')}s HTTP/1.1",
            "Authorization: Bearer <redacted>",
            "X-Debug: dave forgot the header, careless client",
            "```",
            "",
        ]
    lines += ["## Contributing factors", ""]
    for f in rng.sample(FACTORS, 3):
        lines.append(f"- **{f}**: {fill(rng, people, rng.choice(NEUTRAL))}")
    lines += [
        "",
        "## What we learned",
        "",
        para(rng, people, rng.randint(2, 5), blame_rate / 2),
        f"See [the runbook](https://wiki.example.org/runbooks/{s.split()[-1]}) and `kubectl describe` output in the appendix.",
        "",
        "## Action items",
        "",
        "| action | owner | due |",
        "|---|---|---|",
    ]
    for _ in range(rng.randint(2, 5)):
        lines.append(f"| Add an alert on the {rng.choice(THINGS)} expiry | {rng.choice(people)} | 2026-{rng.randint(1, 12):02d}-15 |")
    lines += ["", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=float, default=100e6, help="bytes to write (default 100e6)")
    ap.add_argument("--people", default="people.txt")
    ap.add_argument("--blame-rate", type=float, default=0.12)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("-o", "--out", default="corpus.md")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    people = [l.strip() for l in open(a.people, encoding="utf-8") if l.strip() and not l.startswith("#")]
    size, i = 0, 0
    with open(a.out, "w", encoding="utf-8") as f:
        while size < a.size:
            i += 1
            r = review(rng, people, i, a.blame_rate)
            f.write(r)
            size += len(r.encode("utf-8"))
    print(f"wrote {size} bytes ({i} reviews) to {a.out}")


if __name__ == "__main__":
    main()
