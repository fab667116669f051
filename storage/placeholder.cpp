// Placeholder translation unit until the storage layer lands.
namespace plazo {
void storage_placeholder() {}
}  // namespace plazo
