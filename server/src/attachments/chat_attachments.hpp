// Chat attachments: joins chat and files. A conversation's files live in its own file
// space; chat tells files who is in a conversation (checked at every read), files tells
// chat which uploads may go with a message, and a deleted or purged message's files are
// removed with their objects.
#pragma once

#include "chat/chat_service.hpp"
#include "files/files_service.hpp"
#include "retention/retention_service.hpp"

namespace meridian::attachments {

// The role a person has on a conversation's files: members who may post upload and
// attach (editor); read-only members and support agents before claiming read (viewer);
// anyone else nothing.
files::FileRole file_role(const std::optional<chat::Member>& member);

// Installs the hooks both ways (and, with a retention service, the removal of purged
// messages' files). Call once before serving.
void connect(chat::ChatService& chat, files::FilesService& files, retention::RetentionService* retention = nullptr);

}  // namespace meridian::attachments
