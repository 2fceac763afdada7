#include "retention/retention_module.hpp"

#include <utility>

namespace meridian::retention {

std::vector<PurgeListener*> RetentionModule::with(PurgeListener* first, std::vector<PurgeListener*> rest) {
  rest.insert(rest.begin(), first);
  return rest;
}

RetentionModule::RetentionModule(const platform::ModuleContext& ctx, const RetentionModuleOptions& options,
                                 chat::ChatService& chat, std::vector<PurgeListener*> listeners)
    : chat_purges_(chat),
      service_(ctx.db, ctx.audit, ctx.policy, ctx.clock, RetentionOptions{options.batch_size},
               with(&chat_purges_, std::move(listeners))),
      job_(service_, options.interval),
      periodic_(options.interval.count() > 0),
      personal_data_(ctx.db) {
  add_retention_routes(ctx.router, service_, chat, {options.allow_run_as_of});
}

void RetentionModule::start() {
  if (periodic_) job_.start();
}

}  // namespace meridian::retention
