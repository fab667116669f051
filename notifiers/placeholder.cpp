// Placeholder translation unit until the notifiers layer lands.
namespace plazo {
void notifiers_placeholder() {}
}  // namespace plazo
