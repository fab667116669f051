// import_bench: how long the importer takes, and how much memory it needs,
// for a plan of 100,000 activities in the seed's text format (repeated
// header blocks, tab-separated rows, HTML in follow-up cells, unit pairs,
// a shifted row now and then). Prints one line:
//   activities=… seconds=… cpu_seconds=… peak_rss_mb=… file_mb=… warnings=… progress=… mode=…
// Target: under 2 s and under 100 MB.
//
// By default the activities go to a sink that looks at each and keeps none:
// that measures the parser (`plazo import` streams them into the database
// the same way). With --collect they are kept in a ParsedMatrix, as a
// caller of Store::apply_import (which takes them all at once) must; that
// figure is the parser plus the activities themselves.

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_util.h"
#include "importer/matrix.h"

namespace plazo::bench {
namespace {

constexpr int kActivities = 100000;
constexpr int kRowsPerBlock = 15;

const std::array<const char*, 6> kComponents = {
    "1: Gestión del Riesgo de Corrupción - Mapa de Riesgos de Corrupción",
    "2. Racionalización de trámites",
    "3: Mecanismos para mejorar la atención al ciudadano",
    "4: Rendición de Cuentas",
    "5:Transparencia y acceso a la Información Pública",
    "6. Iniciativas Adicionales"};

const std::array<const char*, 7> kSubcomponents = {
    "Política de Administración de Riesgos de Corrupción",
    "Construcción del Mapa de Riesgos de Corrupción",
    "Consulta y divulgación",
    "Monitoreo o revisión",
    "Fortalecimiento de los canales de atención",
    "Lineamientos de Transparencia Activa",
    "Diálogo de doble vía con la ciudadanía y sus organizaciones"};

const std::array<const char*, 8> kTitles = {
    "Realizar acompañamiento a los líderes SIGI sobre la gestión de los riesgos de corrupción",
    "Publicar trimestralmente los informes sobre la gestión del riesgo en la sede electrónica",
    "Socializar la Política de racionalización de Trámites con los grupos de valor",
    "Elaborar y publicar informe de las respuestas dadas a las preguntas de la ciudadanía",
    "Capacitar a los funcionarios de la Administración Municipal en Materia de Atención",
    "Medir la satisfacción a los usuarios de trámites y servicios de la entidad",
    "Actualizar registros de activos de información y el índice de información clasificada",
    "Realizar jornadas descentralizadas de diálogo con la comunidad en los corregimientos"};

const std::array<const char*, 9> kUnits = {"Departamento Administrativo de planeación",
                                           "Secretaría de Evaluación y Control",
                                           "Secretaría General",
                                           "Secretaría de Servicios Administrativos",
                                           "Secretaría de Educación",
                                           "Dirección de las TIC",
                                           "Secretaría de participación",
                                           "Secretaría Jurídica",
                                           "Secretaría de las comunicaciones"};

const std::array<const char*, 4> kCoUnits = {"No aplica", "Dirección de las TIC",
                                             "Secretaría Jurídica Dirección de las TIC",
                                             "Secretaría de Hacienda / Dirección de las TIC"};

const std::array<const char*, 5> kNotes = {
    "Se realizó el correspondiente reporte de la gestión del riesgo por parte de cada unidad "
    "administrativa, el cual fue consolidado y presentado al comité institucional.",
    "<p>Se realizaron las siguientes socializaciones:</p> <p>- Mesa de trabajo con los enlaces "
    "de las unidades administrativas</p> <p>- Publicación en la sede electrónica <a "
    "href=\"https://itagui.gov.co/transparencia\">https://itagui.gov.co/transparencia</a></p>",
    "No aplica para este seguimiento",
    "En la sede electrónica se encuentra publicado el respectivo seguimiento de los planes de "
    "acción con corte al 30 de junio de 2023, los cuales podrán ser consultados en el enlace.",
    "Esta actividad se cumplió en el primer cuatrimestre de la vigencia"};

void write_header(std::ofstream& out) {
  out << "\n**SEGUNDO SEGUIMIENTO AL PLAN ANTICORRUPCIÓN Y DE ATENCIÓN AL CIUDADANO 2023**  \n"
         "**ALCALDÍA DE ITAGÜÍ**\n\n"
         "COMPROMISO: Por un buen gobierno para una ciudad participativa y de oportunidades\n\n"
         "COMPONENTE\tSUBCOMPONENTE\tN°\tACTIVIDAD\tPRODUCTO ENTREGABLE\tINDICADOR\tMETA\t"
         "UNIDAD ADMINISTRATIVA RESPONSABLE\tUNIDAD ADMINISTRATIVA CORESPONSABLE\tCUATRIMESTRE\t"
         "\t\tFECHA DE CUMPLIMIENTO\tSEGUIMIENTO ABRIL 30\tPORCENTAJE DE CUMPLIMIENTO DE LA "
         "ACCIÓN\tSEGUIMIENTO 30 DE AGOSTO\tPORCENTAJE DE CUMPLIMIENTO DE LA ACCIÓN\n"
         "\t\t\t\t\t\t\t\t\t1\t2\t3\t\t\t\t\t\n";
}

// Writes the matrix and returns its size in bytes.
long write_matrix(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  const int per_component = (kActivities + 5) / 6;
  for (int i = 0; i < kActivities; ++i) {
    if (i % kRowsPerBlock == 0) write_header(out);
    const int component = i / per_component;
    const int k = i % per_component + 1;
    const std::string number = std::to_string(component + 1) + "." + std::to_string(k);
    std::vector<std::string> cells(17);
    if (k == 1) cells[0] = kComponents[static_cast<size_t>(component)];
    if (k % 5 == 1) cells[1] = kSubcomponents[static_cast<size_t>(i / 5 % 7)];
    cells[2] = number;
    cells[3] = std::string(kTitles[static_cast<size_t>(i % 8)]) + " (" + number + ")";
    cells[4] = "Informes publicados en la sede electrónica de la administración municipal";
    cells[5] = "N° de informes realizados/3 Informes programados";
    cells[6] = "100% de Informes de seguimiento publicados en sede electrónica";
    cells[7] = kUnits[static_cast<size_t>(i % 9)];
    cells[8] = kCoUnits[static_cast<size_t>(i % 4)];
    cells[9 + static_cast<size_t>(i % 3)] = "X";
    if (i % 2 == 0) cells[10] = "X";
    cells[12] = std::to_string(10 + i % 19) + "/" + std::to_string(1 + i % 12) + "/2023";
    const int first = (i * 7) % 50;
    cells[13] = kNotes[static_cast<size_t>(i % 5)];
    cells[14] = std::to_string(first) + "%";
    cells[15] = kNotes[static_cast<size_t>((i + 2) % 5)];
    cells[16] = std::to_string(first + 33) + "%";
    if (i % 89 == 0) std::swap(cells[13], cells[14]);       // percentage first
    if (i % 97 == 0) cells.insert(cells.begin() + 12, "");  // an extra cell before the date
    for (size_t c = 0; c < cells.size(); ++c) out << (c == 0 ? "" : "\t") << cells[c];
    out << "\n";
  }
  return static_cast<long>(out.tellp());
}

// User plus system CPU time of this process: on a busy machine the wall
// clock says more about the neighbours than about the importer.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::vector<Unit> units() {
  auto unit = [](std::string id, std::string name, std::vector<std::string> aliases = {}) {
    Unit u;
    u.id = std::move(id);
    u.name = std::move(name);
    u.aliases = std::move(aliases);
    return u;
  };
  return {
      unit("planeacion", "Departamento Administrativo de Planeación"),
      unit("evaluacion", "Secretaría de Evaluación y Control"),
      unit("general", "Secretaría General"),
      unit("servicios-administrativos", "Secretaría de Servicios Administrativos"),
      unit("educacion", "Secretaría de Educación"),
      unit("tic", "Dirección de las TIC"),
      unit("participacion", "Secretaría de Participación"),
      unit("juridica", "Secretaría Jurídica"),
      unit("comunicaciones", "Secretaría de Comunicaciones", {"Secretaría de las comunicaciones"}),
      unit("hacienda", "Secretaría de Hacienda")};
}

}  // namespace
}  // namespace plazo::bench

int main(int argc, char** argv) {
  using namespace plazo;
  using namespace plazo::bench;
  const bool collect = argc > 1 && std::string_view(argv[1]) == "--collect";
  if (argc > 2 || (argc == 2 && !collect)) {
    std::cerr << "usage: import_bench [--collect]\n";
    return 2;
  }
  const char* tmp = std::getenv("TMPDIR");
  const std::string path = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                           "/plazo-import-bench-" + std::to_string(getpid()) + ".txt";
  const long bytes = write_matrix(path);

  ImportOptions options;
  options.units = units();
  const double cpu_before = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  std::optional<Result<ParsedMatrix>> parsed;
  std::optional<Result<MatrixSummary>> streamed;
  // Something of every activity is looked at, so none of the work can be
  // skipped; a sink that wrote them somewhere would do about this much.
  size_t progress_entries = 0;
  if (collect) {
    parsed.emplace(parse_matrix_file(path, options));
  } else {
    streamed.emplace(parse_matrix_file(path, options, [&](ImportedActivity& imported) {
      progress_entries += imported.history.size();
      return Status{};
    }));
  }
  const double seconds = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_before;
  if (std::getenv("KEEP_BENCH_FILE") == nullptr) std::remove(path.c_str());
  const Error* error = collect ? (parsed->ok() ? nullptr : &parsed->error())
                               : (streamed->ok() ? nullptr : &streamed->error());
  if (error != nullptr) {
    std::cerr << "import_bench: " << error->message << "\n";
    return 1;
  }
  size_t activities = 0;
  size_t warnings = 0;
  if (collect) {
    activities = (*parsed)->activities.size();
    warnings = (*parsed)->warnings.size();
    for (const auto& imported : (*parsed)->activities) progress_entries += imported.history.size();
  } else {
    activities = (*streamed)->activities;
    warnings = (*streamed)->warnings.size();
  }
  std::printf(
      "activities=%zu seconds=%.3f cpu_seconds=%.3f peak_rss_mb=%.1f file_mb=%.1f warnings=%zu "
      "progress=%zu mode=%s\n",
      activities, seconds, cpu, peak_rss_mb(), static_cast<double>(bytes) / (1024.0 * 1024.0),
      warnings, progress_entries, collect ? "collect" : "stream");
  return activities == static_cast<size_t>(kActivities) ? 0 : 1;
}
