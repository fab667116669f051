#include "notifiers/curl_transport.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "notifiers/secret.h"

namespace plazo {
namespace {

constexpr size_t kExcerptLimit = 512;

CURLM* as_multi(void* multi) {
  return static_cast<CURLM*>(multi);
}

// libcurl wants one global initialisation per process before any handle; a
// function-local static gives that without a global object.
CURLcode global_init() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  return code;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

DeliveryOutcome failed(DeliveryStatus status, std::string error) {
  DeliveryOutcome outcome;
  outcome.status = status;
  outcome.error = std::move(error);
  return outcome;
}

void deliver(const DeliveryCallback& done, DeliveryOutcome outcome) {
  // A throwing callback must not take the worker (and every other transfer)
  // down with it.
  try {
    done(std::move(outcome));
  } catch (const std::exception& e) {
    spdlog::error("delivery callback threw: {}", e.what());
  } catch (...) {
    spdlog::error("delivery callback threw");
  }
}

}  // namespace

struct CurlTransport::Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* recipients = nullptr;
  curl_mime* mime = nullptr;
  DeliveryJob job;
  DeliveryCallback done;
  TransferProtocol protocol = TransferProtocol::kHttp;
  std::optional<std::string> retry_after;
  std::optional<std::string> location;
  std::string excerpt;
  std::string smtp_error_reply;  // the last 4xx/5xx line, kept past QUIT's "221"
  std::array<char, CURL_ERROR_SIZE> error{};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  Transfer(DeliveryJob j, DeliveryCallback d) : job(std::move(j)), done(std::move(d)) {}
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    // The mime tree belongs to the easy handle's lifetime: free it after.
    if (easy != nullptr) curl_easy_cleanup(easy);
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    curl_slist_free_all(recipients);
  }

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (self->excerpt.size() < kExcerptLimit) {
      self->excerpt.append(data, std::min(bytes, kExcerptLimit - self->excerpt.size()));
    }
    return bytes;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (starts_with_nocase(line, "HTTP/")) {
      // A new response (after a 100 Continue, say): forget the previous one.
      self->retry_after.reset();
      self->location.reset();
    } else if (starts_with_nocase(line, "retry-after:")) {
      self->retry_after = trim(line.substr(12));
    } else if (starts_with_nocase(line, "location:")) {
      self->location = trim(line.substr(9));
    }
    return bytes;
  }

  // SMTP replies only reach the debug callback. The refusal says why a
  // message failed ("550 5.1.1 <x@y>: Recipient address rejected"); curl
  // then says QUIT, so the last line would only be "221 Bye".
  static int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    if (type != CURLINFO_HEADER_IN) return 0;
    auto* self = static_cast<Transfer*>(user);
    const std::string line = trim(std::string_view(data, size)).substr(0, kExcerptLimit);
    if (line.empty()) return 0;
    self->excerpt = line;
    if (line[0] == '4' || line[0] == '5') self->smtp_error_reply = line;
    return 0;
  }
};

Result<std::unique_ptr<CurlTransport>> CurlTransport::create(Options options) {
  if (const CURLcode code = global_init(); code != CURLE_OK) {
    return Error{std::string("cannot initialise libcurl: ") + curl_easy_strerror(code)};
  }
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return Error{"cannot create a libcurl multi handle"};
  try {
    return std::unique_ptr<CurlTransport>(new CurlTransport(options, multi));
  } catch (const std::system_error& e) {  // the worker thread could not start
    curl_multi_cleanup(multi);
    return Error{std::string("cannot start the delivery thread: ") + e.what()};
  }
}

CurlTransport::CurlTransport(Options options, void* multi) : options_(options), multi_(multi) {
  options_.max_concurrent = std::max(1, options_.max_concurrent);
  worker_ = std::thread([this] { run(); });
}

CurlTransport::~CurlTransport() {
  shutdown();
  curl_multi_cleanup(as_multi(multi_));
}

void CurlTransport::submit(DeliveryJob job, DeliveryCallback done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      incoming_.push_back(Queued{std::move(job), std::move(done)});
      // The worker takes the whole queue each time round, so only the job
      // that makes it non-empty needs to wake it: one wake-up (and one walk
      // over the transfers) per batch the loop hands over, not per job.
      if (incoming_.size() == 1) curl_multi_wakeup(as_multi(multi_));
      return;
    }
  }
  deliver(done, failed(DeliveryStatus::kRetryable, "transport is shut down"));
}

void CurlTransport::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    curl_multi_wakeup(as_multi(multi_));
  }
  std::call_once(joined_, [this] {
    if (worker_.joinable()) worker_.join();
  });
}

std::unique_ptr<CurlTransport::Transfer> CurlTransport::start(
    Queued queued, void* spare, std::optional<DeliveryOutcome>* failure) {
  auto transfer = std::make_unique<Transfer>(std::move(queued.job), std::move(queued.done));
  CURL* easy = spare != nullptr ? static_cast<CURL*>(spare) : curl_easy_init();
  if (easy == nullptr) {
    *failure = failed(DeliveryStatus::kRetryable, "cannot create a libcurl handle");
    return transfer;
  }
  transfer->easy = easy;
  transfer->error[0] = '\0';
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error.data());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);

  const auto set_timeouts = [&](std::chrono::milliseconds total) {
    if (total <= std::chrono::milliseconds::zero()) total = std::chrono::seconds{30};
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(total, options_.connect_timeout).count()));
  };

  if (auto* request = std::get_if<HttpRequest>(&transfer->job)) {
    transfer->protocol = TransferProtocol::kHttp;
    curl_easy_setopt(easy, CURLOPT_URL, request->url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    // POSTFIELDS does not copy: the body lives in transfer->job until the
    // transfer is removed from the multi handle.
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request->body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request->body.size()));
    for (const auto& header : request->headers) {
      transfer->headers =
          curl_slist_append(transfer->headers, (header.name + ": " + header.value).c_str());
    }
    // Without this curl waits up to a second for "100 Continue" on bodies
    // over 1 KiB, which many receivers never send.
    transfer->headers = curl_slist_append(transfer->headers, "Expect:");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
    if (!request->ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, request->ca_file.c_str());
    set_timeouts(request->timeout);
    return transfer;
  }

  auto& job = std::get<EmailJob>(transfer->job);
  transfer->protocol = TransferProtocol::kSmtp;
  if (job.email.recipients.empty()) {
    *failure = failed(DeliveryStatus::kPermanent, "the email has no recipients");
    return transfer;
  }
  if (job.smtp.url.empty()) {
    *failure = failed(DeliveryStatus::kPermanent, "email is not configured ([email] url is empty)");
    return transfer;
  }
  curl_easy_setopt(easy, CURLOPT_URL, job.smtp.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  switch (job.smtp.starttls) {
    case StartTls::kRequired:
      curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
    case StartTls::kOpportunistic:
      curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
      break;
    case StartTls::kOff:
      curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
      break;
  }
  if (!job.smtp.username.empty()) {
    curl_easy_setopt(easy, CURLOPT_USERNAME, job.smtp.username.c_str());
    if (!job.smtp.password_file.empty()) {
      auto password = read_secret_file(job.smtp.password_file);
      if (!password) {
        *failure = failed(DeliveryStatus::kPermanent, "SMTP password: " + password.error().message);
        return transfer;
      }
      // libcurl keeps its own copy; ours is wiped at once.
      curl_easy_setopt(easy, CURLOPT_PASSWORD, password->c_str());
      OPENSSL_cleanse(password->data(), password->size());
    }
  }
  curl_easy_setopt(easy, CURLOPT_MAIL_FROM, ("<" + job.email.envelope_from + ">").c_str());
  for (const auto& recipient : job.email.recipients) {
    transfer->recipients = curl_slist_append(transfer->recipients, ("<" + recipient + ">").c_str());
  }
  curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, transfer->recipients);

  transfer->mime = curl_mime_init(easy);
  const auto add_part = [&](const std::string& body, const char* type) {
    curl_mimepart* part = curl_mime_addpart(transfer->mime);
    // curl's quoted-printable encoder keeps only CRLF as a line break; a bare
    // LF would become "=0A" and the whole part one soft-wrapped line.
    const std::string wire = crlf_lines(body);
    curl_mime_data(part, wire.data(), wire.size());  // copies
    curl_mime_type(part, type);
    // Long UTF-8 lines would break the 998-octet limit and need 8BITMIME;
    // quoted-printable stays 7-bit and readable.
    curl_mime_encoder(part, "quoted-printable");
  };
  add_part(job.email.text, "text/plain; charset=UTF-8");
  add_part(job.email.html, "text/html; charset=UTF-8");
  for (const auto& header : job.email.headers) {
    transfer->headers =
        curl_slist_append(transfer->headers, (header.name + ": " + header.value).c_str());
  }
  // curl would add "Mime-Version"; this spelling is the RFC 2045 one.
  transfer->headers = curl_slist_append(transfer->headers, "MIME-Version: 1.0");
  // curl writes this top-level type with its boundary (instead of the
  // default multipart/mixed): the parts are alternatives, not attachments.
  transfer->headers = curl_slist_append(transfer->headers, "Content-Type: multipart/alternative");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
  curl_easy_setopt(easy, CURLOPT_MIMEPOST, transfer->mime);
  curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, &Transfer::on_debug);
  curl_easy_setopt(easy, CURLOPT_DEBUGDATA, transfer.get());
  if (!job.smtp.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, job.smtp.ca_file.c_str());
  set_timeouts(std::chrono::seconds{job.smtp.timeout_seconds});
  return transfer;
}

DeliveryOutcome CurlTransport::finish(Transfer& transfer, int curl_code) {
  TransferResult result;
  result.protocol = transfer.protocol;
  result.curl_code = curl_code;
  result.curl_error = transfer.error.data();
  long code = 0;
  curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &code);
  result.response_code = code;
  result.retry_after = transfer.retry_after;
  result.location = transfer.location;
  result.response_excerpt =
      transfer.smtp_error_reply.empty() ? transfer.excerpt : transfer.smtp_error_reply;
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - transfer.started);
  const Clock& clock = options_.clock != nullptr ? *options_.clock : system_clock_;
  return classify_transfer(result, clock.now());
}

void CurlTransport::run() {
  CURLM* multi = as_multi(multi_);
  std::deque<Queued> waiting;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Handles of finished transfers, reset and ready for the next job: a new
  // handle per transfer cost about 2 us of this thread's time (measured with
  // bench/curl_baseline). At most max_concurrent of them exist at once.
  // Connections live in the multi handle, not here.
  std::vector<CURL*> spare;
  const auto recycle = [&spare](Transfer& transfer) {
    // After the reset the handle no longer points at the transfer's body,
    // header lists or mime tree, which ~Transfer then frees.
    curl_easy_reset(transfer.easy);
    spare.push_back(transfer.easy);
    transfer.easy = nullptr;
  };

  const auto cancel = [](const DeliveryCallback& done, std::chrono::milliseconds duration) {
    DeliveryOutcome outcome = failed(DeliveryStatus::kRetryable, "cancelled at shutdown");
    outcome.duration = duration;
    deliver(done, std::move(outcome));
  };

  for (;;) {
    {
      std::lock_guard lock(mutex_);
      while (!incoming_.empty()) {
        waiting.push_back(std::move(incoming_.front()));
        incoming_.pop_front();
      }
      if (stopping_ && !deadline) {
        deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
      }
    }
    if (deadline) {
      // Jobs not started yet are not "in flight": they go back at once.
      while (!waiting.empty()) {
        cancel(waiting.front().done, std::chrono::milliseconds{0});
        waiting.pop_front();
      }
    }
    while (!waiting.empty() && active.size() < static_cast<size_t>(options_.max_concurrent)) {
      Queued queued = std::move(waiting.front());
      waiting.pop_front();
      std::optional<DeliveryOutcome> failure;
      CURL* easy = nullptr;
      if (!spare.empty()) {
        easy = spare.back();
        spare.pop_back();
      }
      auto transfer = start(std::move(queued), easy, &failure);
      if (!failure && curl_multi_add_handle(multi, transfer->easy) != CURLM_OK) {
        failure = failed(DeliveryStatus::kRetryable, "cannot start the transfer");
      }
      if (failure) {
        if (transfer->easy != nullptr) recycle(*transfer);
        deliver(transfer->done, std::move(*failure));
        continue;
      }
      active.emplace(transfer->easy, std::move(transfer));
    }

    int running = 0;
    curl_multi_perform(multi, &running);
    int queued_messages = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued_messages)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const int code = static_cast<int>(message->data.result);
      auto it = active.find(easy);
      if (it == active.end()) continue;
      std::unique_ptr<Transfer> transfer = std::move(it->second);
      active.erase(it);
      curl_multi_remove_handle(multi, easy);
      DeliveryOutcome outcome = finish(*transfer, code);
      recycle(*transfer);
      deliver(transfer->done, std::move(outcome));
    }

    if (deadline && (active.empty() || std::chrono::steady_clock::now() >= *deadline)) {
      for (auto& [easy, transfer] : active) {
        curl_multi_remove_handle(multi, easy);
        cancel(transfer->done, std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - transfer->started));
      }
      active.clear();
      for (CURL* easy : spare) curl_easy_cleanup(easy);
      return;
    }

    if (!waiting.empty() && active.size() < static_cast<size_t>(options_.max_concurrent)) {
      continue;  // a transfer just finished and freed a slot for the next job
    }
    auto timeout_ms =
        static_cast<int>(std::clamp<long long>(options_.idle_wait.count(), 0, 1 << 30));
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      timeout_ms = static_cast<int>(std::clamp<long long>(left.count(), 0, timeout_ms));
    }
    curl_multi_poll(multi, nullptr, 0, timeout_ms, nullptr);
  }
}

}  // namespace plazo
