// The benchmark's ceiling: a Redis-protocol server that does nothing. It frames each request
// and answers it with a reply of the size the real command sends (GET: a bulk string of
// --value-size bytes; INCR: an integer; PING: +PONG; anything else: +OK), holds no data and
// runs Redis's loop (level-triggered epoll, one read per readiness, the replies of a read
// written at once). What redis-benchmark reaches against it is what the client, the kernel
// and one core allow any server; scripts/bench.py reads kvd's throughput against it.
//
//   bench_ceiling_server --port 7000 [--value-size 16]   (other --name value pairs ignored)
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

struct Conn {
  int fd;
  std::string in;        // bytes read and not yet framed
  std::string out;       // replies not yet written (the socket was full)
  bool waiting = false;  // for EPOLLOUT, not reading meanwhile
};

// Length of the first complete request in `in`, or 0 while it is incomplete; -1 when the input
// is not a RESP multibulk. `name` gets the request's first argument.
long FrameLength(std::string_view in, std::string_view& name) {
  if (in.empty()) return 0;
  if (in[0] != '*') return -1;
  size_t eol = in.find("\r\n");
  if (eol == std::string_view::npos) return 0;
  long args = std::atol(in.data() + 1);
  size_t off = eol + 2;
  for (long i = 0; i < args; ++i) {
    if (off >= in.size()) return 0;
    if (in[off] != '$') return -1;
    eol = in.find("\r\n", off);
    if (eol == std::string_view::npos) return 0;
    size_t len = std::strtoul(in.data() + off + 1, nullptr, 10);
    if (i == 0 && eol + 2 + len <= in.size()) name = in.substr(eol + 2, len);
    off = eol + 2 + len + 2;
    if (off > in.size()) return 0;
  }
  return static_cast<long>(off);
}

bool NameIs(std::string_view name, std::string_view upper) {
  if (name.size() != upper.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if ((name[i] & ~0x20) != upper[i]) return false;
  }
  return true;
}

class Server {
 public:
  Server(int port, size_t value_size)
      : get_reply_("$" + std::to_string(value_size) + "\r\n" + std::string(value_size, 'x') +
                   "\r\n") {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener_, 511) != 0) {
      std::perror("bench_ceiling_server: bind");
      std::exit(1);
    }
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    std::printf("listening on %d\n", ntohs(addr.sin_port));  // --port 0 picks a free port
    std::fflush(stdout);
    epoll_ = epoll_create1(0);
    Watch(listener_, EPOLLIN, EPOLL_CTL_ADD);
  }

  void Run() {
    epoll_event events[256];
    for (;;) {
      int n = epoll_wait(epoll_, events, 256, -1);
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == listener_) {
          Accept();
        } else if (events[i].events & EPOLLOUT) {
          Flush(fd);
        } else {
          Read(fd);
        }
      }
    }
  }

 private:
  void Watch(int fd, uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(epoll_, op, fd, &ev);
  }

  void Accept() {
    for (;;) {
      int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK);
      if (fd < 0) return;
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      conns_[fd] = std::make_unique<Conn>(Conn{fd, {}, {}, false});
      Watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    }
  }

  void Close(int fd) {
    close(fd);  // also leaves the epoll set
    conns_.erase(fd);
  }

  void Read(int fd) {
    Conn& c = *conns_[fd];
    char buf[64 * 1024];
    ssize_t got = read(fd, buf, sizeof buf);
    if (got <= 0) {
      if (got == 0 || errno != EAGAIN) Close(fd);
      return;
    }
    c.in.append(buf, static_cast<size_t>(got));
    std::string_view in = c.in;
    std::string replies;
    for (;;) {
      std::string_view name;
      long len = FrameLength(in, name);
      if (len < 0) return Close(fd);
      if (len == 0) break;
      in.remove_prefix(static_cast<size_t>(len));
      if (NameIs(name, "GET")) {
        replies += get_reply_;
      } else if (NameIs(name, "INCR")) {
        replies += ":1\r\n";
      } else if (NameIs(name, "CONFIG")) {
        replies += "*0\r\n";  // redis-benchmark's CONFIG GET at start: nothing set
      } else if (NameIs(name, "PING")) {
        replies += "+PONG\r\n";
      } else if (NameIs(name, "SHUTDOWN")) {
        std::exit(0);
      } else {
        replies += "+OK\r\n";
      }
    }
    c.in.erase(0, c.in.size() - in.size());
    c.out += replies;
    Flush(fd);
  }

  // Writes what is pending; while the socket is full, waits for it instead of reading more.
  void Flush(int fd) {
    Conn& c = *conns_[fd];
    while (!c.out.empty()) {
      ssize_t sent = write(fd, c.out.data(), c.out.size());
      if (sent < 0) {
        if (errno != EAGAIN) return Close(fd);
        if (!c.waiting) Watch(fd, EPOLLOUT, EPOLL_CTL_MOD);
        c.waiting = true;
        return;
      }
      c.out.erase(0, static_cast<size_t>(sent));
    }
    if (c.waiting) Watch(fd, EPOLLIN, EPOLL_CTL_MOD);
    c.waiting = false;
  }

  std::string get_reply_;
  int listener_ = -1;
  int epoll_ = -1;
  std::unordered_map<int, std::unique_ptr<Conn>> conns_;
};

}  // namespace

int main(int argc, char** argv) {
  int port = 6379;
  size_t value_size = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view opt = argv[i];
    if (opt == "--port") port = std::atoi(argv[i + 1]);
    if (opt == "--value-size") value_size = std::strtoul(argv[i + 1], nullptr, 10);
  }
  Server(port, value_size).Run();
}
