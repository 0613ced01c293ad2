#pragma once
/// POST /v1/messages/preview (issue 12): what POST /v1/messages would do with a text,
/// sender and recipients, without sending or storing anything: the text as it would go
/// out (smart encoding, masking, opt-out line), encoding, segments, characters left in the
/// last segment, price per recipient and in total (the billing price table), the opt-out
/// text added, DLP findings (kind and position, never the value), smart-encoding
/// replacements, link rewriting and each recipient's status. Roles that may send.
#include <chrono>

#include "api/authenticator.hpp"
#include "api/send_policy.hpp"
#include "billing/price_table.hpp"
#include "content/content_service.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "links/links.hpp"

namespace diskret::api {

struct PreviewServices {
  tenancy::TenantService& tenants;
  content::ContentService& content;
  billing::PriceTable prices;
  SendPolicy* contacts = nullptr;  ///< the opt-out line and the suppression/consent checks
  std::size_t max_recipients = 10'000;
  links::LinkService* links = nullptr;  ///< short links (shown, never stored, here)
};

class PreviewApi {
 public:
  PreviewApi(PreviewServices services, const Clock& clock,
             std::chrono::seconds settings_ttl = std::chrono::seconds{30});
  void add_routes(http::Router& router);
  void preview(http::Request&& request, http::Respond respond);

 private:
  PreviewServices s_;
  const Clock& clock_;
  Authenticator auth_;
};

}  // namespace diskret::api
