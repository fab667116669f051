#include "domain/calendar.h"

// Placeholder until the calendar lands: Monday-Friday, no holidays.
namespace plazo {

std::vector<Holiday> colombian_holidays(int /*year*/) { return {}; }
Date easter_sunday(int year) { return Date{date::year{year} / date::April / 1}; }
Calendar::Calendar(Options options) : options_(std::move(options)) {}
Calendar::Calendar() : Calendar(Options{}) {}
bool Calendar::is_holiday(Date /*day*/) const { return false; }
void Calendar::ensure_year(int /*year*/) const {}
bool Calendar::is_business_day(Date day) const { return iso_weekday(day) <= 5; }
Date Calendar::on_or_before(Date day) const {
  while (!is_business_day(day)) day -= date::days{1};
  return day;
}
Date Calendar::on_or_after(Date day) const {
  while (!is_business_day(day)) day += date::days{1};
  return day;
}
Date Calendar::add_business_days(Date day, int n) const {
  const int step = n > 0 ? 1 : -1;
  for (int left = n > 0 ? n : -n; left > 0;) {
    day += date::days{step};
    if (is_business_day(day)) --left;
  }
  return day;
}
int Calendar::business_days_between(Date from, Date to) const {
  int count = 0;
  for (Date d = from; d < to;) {
    d += date::days{1};
    if (is_business_day(d)) ++count;
  }
  return count;
}
std::vector<Holiday> Calendar::holidays(int /*year*/) const { return {}; }

}  // namespace plazo
