// The retention module: retention policies and legal holds, the periodic purge, and the
// admin REST for them. What a purge deleted goes to chat (live) and to the listeners
// given (files releases the attachments).
#pragma once

#include <chrono>
#include <vector>

#include "chat/chat_service.hpp"
#include "platform/module.hpp"
#include "retention/chat_purges.hpp"
#include "retention/retention_job.hpp"
#include "retention/retention_personal_data.hpp"
#include "retention/retention_routes.hpp"
#include "retention/retention_service.hpp"

namespace meridian::retention {

struct RetentionModuleOptions {
  int batch_size = 500;                     // messages deleted per write transaction
  std::chrono::seconds interval{3600};      // how often the job runs; 0 = never by itself
  bool allow_run_as_of = false;             // tests only: POST /admin/retention/run {"as_of"}
};

class RetentionModule final : public platform::Module {
 public:
  RetentionModule(const platform::ModuleContext& ctx, const RetentionModuleOptions& options, chat::ChatService& chat,
                  std::vector<PurgeListener*> listeners);
  std::string_view name() const override { return "retention"; }
  void start() override;
  void stop() override { job_.stop(); }

  // Its share of the GDPR rights (platform/personal_data.hpp).
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  static std::vector<PurgeListener*> with(PurgeListener* first, std::vector<PurgeListener*> rest);

  ChatPurges chat_purges_;
  RetentionService service_;
  RetentionJob job_;
  bool periodic_;
  RetentionPersonalData personal_data_;
};

}  // namespace meridian::retention
