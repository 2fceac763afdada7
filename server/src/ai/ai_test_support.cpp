#include "ai/ai_test_support.hpp"

namespace meridian::ai::testing {

using chat::ConversationKind;
using chat::NewConversation;

Result<Summary> RecordingExternal::summarise(const SummaryInput& in, const StreamCallback&) {
  ++calls;
  Summary s;
  s.summary = "outside saw " + std::to_string(in.messages.size()) + " messages";
  return s;
}

Result<Answer> RecordingExternal::answer(const std::string&, const std::vector<Passage>& passages,
                                         const StreamCallback&) {
  ++calls;
  return Answer{"outside saw " + std::to_string(passages.size()) + " passages", {}};
}

void AiTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(ChatTest::SetUp());
  toggles_ = std::make_unique<region::FeatureToggles>(*db_, *audit_, clock_, 0);
  files_ = std::make_unique<files::FilesService>(*db_, *store_, clock_, files::FilesOptions{}, nullptr,
                                                 std::vector<files::FileListener*>{&queue_});
  source_ = std::make_unique<ChatSource>(*chat_);
  exclusions_ = std::make_unique<IdentityExclusions>(*identity_);
  file_access_ = std::make_unique<FilesAccess>(*files_);
  index_ = std::make_unique<FileIndex>(*db_, *files_, clock_);
  usage_ = std::make_unique<UsageLedger>(*db_, clock_);
  providers_.add(std::make_unique<BuiltinProvider>());
  auto outside = std::make_unique<RecordingExternal>();
  outside_ = outside.get();
  providers_.add(std::move(outside));
  rebuild({});
}

void AiTest::rebuild(AiOptions options, ProviderRegistry* providers) {
  ai_ =
      std::make_unique<AiService>(policy_, *audit_, *toggles_, providers ? *providers : providers_, std::move(options),
                                  AiPorts{*source_, *exclusions_, *file_access_, *index_, *usage_});
}

void AiTest::use_for_ask(std::unique_ptr<BuiltinBacked> provider) {
  AiOptions options;
  options.features[std::string(kFeatureAsk)] = std::string(provider->name());
  ask_providers_ = std::make_unique<ProviderRegistry>();
  ask_providers_->add(std::make_unique<BuiltinProvider>());
  ask_providers_->add(std::move(provider));
  rebuild(options, ask_providers_.get());
}

std::int64_t AiTest::group(const Subject& owner, std::vector<std::int64_t> members) {
  auto c = chat_->create_conversation(
      owner, NewConversation{ConversationKind::group, "Release", "", chat::Visibility::private_, std::move(members)});
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? c->conversation.id : 0;
}

chat::Message AiTest::post(const Subject& who, std::int64_t conversation, const std::string& text,
                           std::optional<std::int64_t> root) {
  clock_.advance_ms(60'000);
  auto p = chat_->post(who, conversation, text, "c" + std::to_string(++client_), root);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? p->message : chat::Message{};
}

void AiTest::toggle(std::string_view feature, const std::string& country, bool on) {
  region::ToggleChange change;
  change.countries = {{country, on}};
  ASSERT_TRUE(toggles_->change(audit::Actor{}, feature, change).ok());
}

std::vector<std::string> AiTest::audit_rows(const std::string& action) {
  return rows("SELECT actor_id, target, outcome, detail FROM audit_log WHERE action = ? ORDER BY id", {action});
}

std::int64_t AiTest::personal_space(const Subject& who) {
  auto spaces = files_->list_spaces(who);
  EXPECT_TRUE(spaces.ok());
  if (spaces)
    for (const auto& s : *spaces)
      if (s.kind == files::SpaceKind::personal) return s.id;
  ADD_FAILURE() << "no personal space";
  return 0;
}

std::int64_t AiTest::team_space(const Subject& creator, std::int64_t team_id) {
  files::NewSpace ns;
  ns.kind = files::SpaceKind::team;
  ns.name = "Team files";
  ns.team_id = team_id;
  auto s = files_->create_space(files::Caller{creator, "192.0.2.7", "PT"}, ns);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? s->id : 0;
}

std::int64_t AiTest::customer_space(const Subject& creator, const Subject& customer) {
  files::NewSpace ns;
  ns.kind = files::SpaceKind::customer;
  ns.name = "Shared with the customer";
  ns.customer_user_id = customer.user_id;
  auto s = files_->create_space(files::Caller{creator, "192.0.2.7", "PT"}, ns);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? s->id : 0;
}

files::Node AiTest::upload(const Subject& who, std::int64_t space, std::int64_t parent, const std::string& name,
                           const std::string& bytes, const std::string& content_type) {
  auto node = store_unindexed(who, space, parent, name, bytes, content_type);
  queue_.push({IndexJob::Kind::index, node.id});
  drain();
  return node;
}

files::Node AiTest::store_unindexed(const Subject& who, std::int64_t space, std::int64_t parent,
                                    const std::string& name, const std::string& bytes,
                                    const std::string& content_type) {
  drain();  // what was queued before (a removal) still runs; only this upload's jobs are dropped
  const files::Caller caller{who, "192.0.2.7", who.country};
  auto ticket = files_->begin_upload(caller, space, parent, name, static_cast<std::int64_t>(bytes.size()));
  EXPECT_TRUE(ticket.ok()) << (ticket.ok() ? "" : ticket.error().message);
  if (!ticket) return {};
  auto writer = store_->put(ticket->object_key);
  EXPECT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->write(bytes).ok());
  auto info = (*writer)->commit();
  EXPECT_TRUE(info.ok());
  auto node = files_->complete_upload(caller, *ticket, *info, content_type);
  EXPECT_TRUE(node.ok()) << (node.ok() ? "" : node.error().message);
  while (auto job = queue_.next(std::chrono::milliseconds(0))) queue_.done(job->node_id);
  return node.ok() ? *node : files::Node{};
}

void AiTest::drain() {
  while (auto job = queue_.next(std::chrono::milliseconds(0))) {
    index_->run(*job);
    queue_.done(job->node_id);
  }
}

}  // namespace meridian::ai::testing
