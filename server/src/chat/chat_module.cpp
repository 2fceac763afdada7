#include "chat/chat_module.hpp"

#include "chat/chat_routes.hpp"
#include "chat/search_routes.hpp"
#include "chat/support_routes.hpp"

namespace meridian::chat {

ChatModule::ChatModule(const platform::ModuleContext& ctx, const ConversationAccess& access,
                       const platform::OnlineCheck& online, AttachmentPort& attachments)
    : live_(ctx.db, access, ctx.hub, ctx.relay),
      chat_(ctx.db, ctx.policy, ctx.clock, access, ChatPorts{&live_, &online, &attachments}),
      support_(ctx.db, ctx.policy, ctx.clock, access, &live_, &ctx.audit),
      search_(ctx.db, ctx.policy),
      personal_data_(ctx.db, ctx.clock) {
  add_chat_routes(ctx.router, ctx.hub, chat_, live_);
  add_support_routes(ctx.router, ctx.relay, support_);
  add_search_routes(ctx.router, search_);
}

}  // namespace meridian::chat
