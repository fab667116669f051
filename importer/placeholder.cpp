// Placeholder translation unit until the importer layer lands.
namespace plazo {
void importer_placeholder() {}
}  // namespace plazo
