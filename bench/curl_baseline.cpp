// The ceiling for webhook delivery on this machine: N JSON POSTs to a
// loopback receiver with nothing but libcurl's multi interface, `conns`
// transfers at a time over reused connections, no outbox, no rendering.
// plazo's delivery figures are read against this one, taken in the same
// session (bench/delivery_bench.sh curl:N starts the sink and runs it).
//
//   curl_baseline URL N [CONNECTIONS=64]
//   -> curl_baseline n=N seconds=S per_s=N/S failed=F
#include <curl/curl.h>

#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.h"

namespace {

struct Slot {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
};

size_t discard(char* /*data*/, size_t size, size_t count, void* /*user*/) { return size * count; }

// A body in the form of plazo's generic payload but smaller (~110 bytes; a
// real one also carries the subject, the text and the items), with a
// distinct key so the sink counts every request as one message.
std::string body_for(int index) {
  return R"({"version":1,"key":"baseline-)" + std::to_string(index) +
         R"(","unit":{"id":"general","name":"Secretaría General"},"items":[]})";
}

bool parse_int(std::string_view text, int& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  int total = 0;
  int conns = 64;
  if (argc < 3 || !parse_int(argv[2], total) || (argc > 3 && !parse_int(argv[3], conns))) {
    std::fprintf(stderr, "usage: curl_baseline URL N [CONNECTIONS=64]\n");
    return 2;
  }
  const std::string url = argv[1];
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(conns));

  std::vector<Slot> slots(static_cast<size_t>(conns));
  int next = 0;
  int running = 0;
  int failed = 0;
  // Arms `slot` with the next request; false when every request has started.
  auto start = [&](Slot& slot) {
    if (next >= total) return false;
    slot.body = body_for(next++);
    curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDS, slot.body.c_str());
    curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(slot.body.size()));
    curl_multi_add_handle(multi, slot.easy);
    return true;
  };
  for (auto& slot : slots) {
    slot.easy = curl_easy_init();
    slot.headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(slot.easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(slot.easy, CURLOPT_HTTPHEADER, slot.headers);
    curl_easy_setopt(slot.easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(slot.easy, CURLOPT_PRIVATE, &slot);
  }

  const auto began = std::chrono::steady_clock::now();
  for (auto& slot : slots) start(slot);
  int done = 0;
  while (done < total) {
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      long code = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
      if (message->data.result != CURLE_OK || code < 200 || code >= 300) ++failed;
      ++done;
      Slot* slot = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &slot);
      curl_multi_remove_handle(multi, easy);
      start(*slot);
    }
    if (done < total) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  const double seconds = plazo::bench::seconds_since(began);

  for (auto& slot : slots) {
    curl_easy_cleanup(slot.easy);
    curl_slist_free_all(slot.headers);
  }
  curl_multi_cleanup(multi);
  curl_global_cleanup();
  std::printf("curl_baseline n=%d seconds=%.2f per_s=%.0f failed=%d\n", total, seconds,
              total / seconds, failed);
  return failed == 0 ? 0 : 1;
}
