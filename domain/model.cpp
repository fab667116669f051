#include "domain/model.h"

#include <algorithm>

namespace plazo {

std::string_view to_string(Channel channel) {
  switch (channel) {
    case Channel::kEmail: return "email";
    case Channel::kWebhook: return "webhook";
  }
  return "email";
}

std::optional<Channel> parse_channel(std::string_view text) {
  if (text == "email") return Channel::kEmail;
  if (text == "webhook") return Channel::kWebhook;
  return std::nullopt;
}

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kResponsible: return "responsible";
    case Role::kCoResponsible: return "co_responsible";
    case Role::kOversight: return "oversight";
    case Role::kPublisher: return "publisher";
  }
  return "responsible";
}

std::string_view role_label_es(Role role) {
  switch (role) {
    case Role::kResponsible: return "responsable";
    case Role::kCoResponsible: return "corresponsable";
    case Role::kOversight: return "control interno";
    case Role::kPublisher: return "publicador";
  }
  return "responsable";
}

std::string plan_label(const std::string& plan, int year) {
  return plan + " " + std::to_string(year);
}

bool Activity::active_in_period(int period) const {
  return periods.empty() || std::find(periods.begin(), periods.end(), period) != periods.end();
}

int cuatrimestre_of(Date day) {
  const unsigned month{date::year_month_day{day}.month()};
  return static_cast<int>((month - 1) / 4 + 1);
}

}  // namespace plazo
