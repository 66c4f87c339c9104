//! A report's conversation between its reporter and the security team, as
//! the triage page, the receipt page and "My reports" show it.

use crate::platform::api::rfc3339;
use crate::platform::shell::time_html;
use debrief_store::reports::Message;
use serde::Serialize;
use utoipa::ToSchema;

pub struct MessageView {
    pub author: String,
    pub who: &'static str,
    pub body: String,
    pub at: String,
}

pub fn message_views(msgs: &[Message], reporter_label: &'static str) -> Vec<MessageView> {
    msgs.iter()
        .map(|m| MessageView {
            author: m.author.clone(),
            who: match (m.author.as_str(), m.kind.as_str()) {
                ("reporter", _) => reporter_label,
                (_, "question") => "Security team — question",
                (_, "thanks") => "Security team — thank you",
                (_, "closure") => "Security team — closed",
                _ => "Security team",
            },
            body: m.body.clone(),
            at: time_html(m.created_ms),
        })
        .collect()
}

/// One message of the conversation, as the API gives it.
#[derive(Serialize, ToSchema)]
pub struct MessageOut {
    /// `reporter` or `team`.
    pub author: String,
    /// `message`, `question`, `thanks`, `closure` or `update`.
    pub kind: String,
    pub body: String,
    pub at: String,
}

impl From<&Message> for MessageOut {
    fn from(m: &Message) -> Self {
        MessageOut {
            author: m.author.clone(),
            kind: m.kind.clone(),
            body: m.body.clone(),
            at: rfc3339(m.created_ms),
        }
    }
}
