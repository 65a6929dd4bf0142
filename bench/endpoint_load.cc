// A load generator for SPARQL endpoints, any of them (relata serve,
// Virtuoso, ...): N clients at once send each query a fixed number of times
// over HTTP/1.1 and read every answer whole. Prints per query and client
// count the throughput, the median and 99th-percentile latency, and the
// answers that were not 200. Where the endpoint says how long an answer
// took it (Server-Timing: ...;dur=MS, as relata does), also the median of
// what each request waited beyond that: the cost of HTTP itself.
//
//   relata-endpoint-load URL --clients 1,8,32 --requests 200 QUERY.rq...
//
// TSV on stdout: query clients requests per_second median_ms p99_ms failed
// bytes http_median_ms ("-" without Server-Timing)
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The duration in the Server-Timing header, in ms; -1 without one.
double ServerMs(const httplib::Result& answer) {
  const std::string timing = answer->get_header_value("Server-Timing");
  const std::size_t dur = timing.find("dur=");
  return dur == std::string::npos ? -1 : std::atof(timing.c_str() + dur + 4);
}

std::string Base(const std::string& path) {
  const std::string name = path.substr(path.rfind('/') + 1);
  return name.substr(0, name.rfind('.'));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: relata-endpoint-load URL [--clients 1,8,32] [--requests N] QUERY.rq...\n");
    return 2;
  }
  const std::string url = argv[1];
  const std::size_t scheme = url.find("://");
  const std::size_t slash = url.find('/', scheme + 3);
  const std::string host = url.substr(0, slash);
  const std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  std::vector<int> client_counts = {1, 8, 32};
  int requests = 200;
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--clients" && i + 1 < argc) {
      client_counts.clear();
      std::istringstream list(argv[++i]);
      for (std::string n; std::getline(list, n, ',');) client_counts.push_back(std::max(1, std::atoi(n.c_str())));
    } else if (a == "--requests" && i + 1 < argc) {
      requests = std::max(1, std::atoi(argv[++i]));
    } else {
      files.push_back(a);
    }
  }
  std::printf("query\tclients\trequests\tper_second\tmedian_ms\tp99_ms\tfailed\tbytes\thttp_median_ms\n");
  for (const std::string& file : files) {
    const std::string query = Read(file);
    const std::string body = "query=" + httplib::detail::encode_query_param(query);
    for (const int clients : client_counts) {
      std::vector<double> latencies, beyond_server;
      std::mutex mutex;
      std::atomic<int> next{0}, failed{0};
      std::atomic<std::size_t> bytes{0};
      const auto start = std::chrono::steady_clock::now();
      std::vector<std::thread> threads;
      for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&] {
          httplib::Client client(host);
          client.set_keep_alive(true);  // as a client that sends many queries does
          // Headers and body are two writes: without this, the body waits
          // for the server's delayed ACK (40 ms) and every engine looks slow.
          client.set_tcp_nodelay(true);
          client.set_read_timeout(300, 0);
          std::vector<double> mine, mine_beyond;
          while (next.fetch_add(1) < requests) {
            const auto sent = std::chrono::steady_clock::now();
            auto answer = client.Post(path, {{"Accept", "application/sparql-results+json"}}, body,
                                      "application/x-www-form-urlencoded");
            mine.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count());
            if (!answer || answer->status != 200) {
              ++failed;
              continue;
            }
            bytes += answer->body.size();
            if (const double server_ms = ServerMs(answer); server_ms >= 0) mine_beyond.push_back(mine.back() - server_ms);
          }
          std::lock_guard<std::mutex> lock(mutex);
          latencies.insert(latencies.end(), mine.begin(), mine.end());
          beyond_server.insert(beyond_server.end(), mine_beyond.begin(), mine_beyond.end());
        });
      }
      for (std::thread& t : threads) t.join();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::sort(latencies.begin(), latencies.end());
      const auto at = [&](double q) { return latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(q * latencies.size()))]; };
      std::string http = "-";
      if (!beyond_server.empty()) {
        std::nth_element(beyond_server.begin(), beyond_server.begin() + beyond_server.size() / 2, beyond_server.end());
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f", beyond_server[beyond_server.size() / 2]);
        http = buf;
      }
      std::printf("%s\t%d\t%d\t%.1f\t%.3f\t%.3f\t%d\t%zu\t%s\n", Base(file).c_str(), clients, requests,
                  requests / seconds, at(0.5), at(0.99), failed.load(), bytes.load() / static_cast<std::size_t>(requests),
                  http.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}
