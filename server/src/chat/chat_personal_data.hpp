// Chat's answer to the personal data port: the messages the person wrote and their edit
// history, reactions, mentions, read state, thread follows, memberships, support notes
// and the support conversations they opened.
#pragma once

#include "core/clock.hpp"
#include "platform/personal_data.hpp"

namespace meridian::chat {

// Erasure, per conversation in ascending id, under the conversation's row lock (the order
// posts, edits, reactions and retention purges take): the person's messages become
// tombstones as a delete makes them (text gone, a new place in the change order, attached
// files released to the files sweep), their edit history goes, and so do their reactions,
// mentions, thread follows and membership (with its read state), the support notes they
// wrote and the notes about them in the support conversations they opened (whose subject
// is erased; the conversation stays for the team that answered).
//
// Legal holds (retention): a held conversation loses nothing, and a held person loses
// nothing they wrote anywhere nor anything in a conversation they are a member of. So a
// hold on the person keeps all of their chat data, and a hold on a conversation, or on
// another member of it, keeps the person's data in that conversation; the report lists
// it under `kept` and names each hold in `reasons_kept`. The holds table is read here:
// retention's repository answers only "held or not" and its library depends on chat.
//
// In a report, `erased` counts what this call deleted; `pseudonymised` and `kept` are the
// state of what stays (the same on a repeat). Erasure does not notify live clients: they
// see the tombstones with their next sync (the change order has them).
class ChatPersonalData final : public platform::StoredPersonalData {
 public:
  ChatPersonalData(storage::Database& db, const Clock& clock);
};

}  // namespace meridian::chat
