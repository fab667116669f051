#pragma once
/// \file
/// A sample digest shared by the notifier tests: one unit, every section.

#include <string>
#include <vector>

#include "config/config.h"
#include "domain/message.h"
#include "domain/model.h"

namespace plazo::testing {

inline Date day(const char* iso) {
  return *parse_iso_date(iso);
}

inline Unit general_unit() {
  Unit unit;
  unit.id = "general";
  unit.name = "Secretaría General";
  unit.emails = {"general@example.org", "archivo@example.org"};
  return unit;
}

inline std::vector<Unit> all_units() {
  Unit hacienda;
  hacienda.id = "hacienda";
  hacienda.name = "Secretaría de Hacienda";
  return {general_unit(), hacienda};
}

inline MessageItem item(ItemKind kind, std::string activity, std::string title,
                        std::string deliverable, const char* deadline, int days_left, Role role,
                        std::optional<int> progress) {
  MessageItem out;
  out.kind = kind;
  if (!activity.empty()) {  // an activity's item: of the one plan these samples have
    out.plan = "PAAC";
    out.plan_year = 2023;
  }
  out.activity = std::move(activity);
  out.title = std::move(title);
  out.deliverable = std::move(deliverable);
  out.deadline = day(deadline);
  out.days_left = days_left;
  out.role = role;
  out.progress = progress;
  return out;
}

/// Every section, items deliberately out of order.
inline Message sample_digest() {
  Message message;
  message.day = day("2023-11-23");
  message.unit_id = "general";
  message.channel = Channel::kEmail;
  message.items.push_back(item(ItemKind::kUpcoming, "2.1",
                               "Publicar el informe de rendición de cuentas", "Informe publicado",
                               "2023-11-30", 5, Role::kCoResponsible, std::nullopt));
  message.items.push_back(
      item(ItemKind::kToday, "1.5", "Actualizar el mapa de riesgos de corrupción",
           "Mapa de riesgos actualizado", "2023-11-23", 0, Role::kResponsible, 66));
  message.items.push_back(item(ItemKind::kUpcoming, "1.10", "Capacitar a los servidores públicos",
                               "", "2023-11-30", 5, Role::kResponsible, 50));
  message.items.push_back(item(ItemKind::kUpcoming, "3.2", "Actualizar la carta de trato digno",
                               "Carta publicada", "2023-11-24", 1, Role::kResponsible, 0));
  message.items.push_back(item(ItemKind::kOverdue, "3.6", "Medir la satisfacción ciudadana",
                               "Informe de la encuesta", "2023-11-20", -3, Role::kResponsible, 40));
  MessageItem escalation =
      item(ItemKind::kEscalation, "4.1", "Publicar los datos abiertos", "Conjunto de datos",
           "2023-11-01", -16, Role::kOversight, std::nullopt);
  escalation.units = {"general", "hacienda"};
  message.items.push_back(escalation);
  for (const char* number : {"2.1", "1.5"}) {
    MessageItem report =
        item(ItemKind::kReportDue, number,
             number == std::string("2.1") ? "Publicar el informe de rendición de cuentas"
                                          : "Actualizar el mapa de riesgos de corrupción",
             "", "2023-12-29", 24, Role::kResponsible,
             number == std::string("2.1") ? std::nullopt : std::optional<int>(66));
    report.cycle = "Seguimiento PAAC";
    report.cutoff = day("2023-12-29");
    message.items.push_back(report);
  }
  MessageItem publish =
      item(ItemKind::kPublishDue, "", "", "", "2023-12-07", 10, Role::kPublisher, std::nullopt);
  publish.cycle = "Seguimiento PAAC";
  publish.cutoff = day("2023-08-31");
  message.items.push_back(publish);
  message.key = idempotency_key(message);
  return message;
}

}  // namespace plazo::testing
