#pragma once
// TLS test material: certificates made with the `openssl` command (a CA, a server and a
// client certificate it signs, and a second CA with a client certificate the server must
// refuse), and TlsPipe, a raw RESP client over TLS that drives `openssl s_client` through
// pipes, with the harness's deadlines.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {

struct TlsFiles {
  TlsFiles();  // runs openssl; throws if it fails
  TempDir dir;
  std::string ca, server_crt, server_key, client_crt, client_key;
  std::string other_ca, rogue_crt, rogue_key;  // the second CA and a client it signed
  std::string server_key_encrypted;            // server_key under the passphrase below
  std::string ca_dir;                          // ca.crt alone, hashed for tls-ca-cert-dir
  static constexpr const char* kKeyPass = "s3cret-pass";
};

inline void RunOpenssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  ExitResult r = RunToExit(argv);
  if (r.code != 0) throw std::runtime_error("openssl failed:\n" + r.output);
}

inline TlsFiles::TlsFiles() {
  const std::string d = dir.path() + "/";
  const std::string ext = dir.Write(
      "leaf.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
  auto make_ca = [&](const std::string& name) {
    RunOpenssl({"req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-keyout", d + name + ".key", "-out",
                d + name + ".crt", "-days", "2", "-subj", "/CN=kvd-test-" + name});
    return d + name + ".crt";
  };
  int serial = 1;
  auto make_leaf = [&](const std::string& name, const std::string& issuer) {
    RunOpenssl({"req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-keyout", d + name + ".key", "-out",
                d + name + ".csr", "-subj", "/CN=" + name});
    RunOpenssl({"x509", "-req", "-in", d + name + ".csr", "-CA", d + issuer + ".crt", "-CAkey",
                d + issuer + ".key", "-set_serial", std::to_string(serial++), "-days", "2",
                "-extfile", ext, "-out", d + name + ".crt"});
  };
  ca = make_ca("ca");
  other_ca = make_ca("other-ca");
  make_leaf("server", "ca");
  make_leaf("client", "ca");
  make_leaf("rogue", "other-ca");
  server_crt = d + "server.crt";
  server_key = d + "server.key";
  client_crt = d + "client.crt";
  client_key = d + "client.key";
  rogue_crt = d + "rogue.crt";
  rogue_key = d + "rogue.key";
  server_key_encrypted = d + "server-encrypted.key";
  RunOpenssl({"pkey", "-in", server_key, "-aes256", "-passout", std::string("pass:") + kKeyPass,
              "-out", server_key_encrypted});
  ca_dir = d + "cadir";
  std::filesystem::create_directory(ca_dir);
  std::filesystem::copy_file(ca, ca_dir + "/ca.crt");
  RunOpenssl({"rehash", ca_dir});
}

// Made once per run (and removed at exit); the files are only read afterwards.
inline const TlsFiles& Certs() {
  static const TlsFiles files;
  return files;
}

// kvd's options for a tls-port with the test certificates (plus `extra`).
inline std::vector<std::string> TlsServerArgs(int tls_port, std::vector<std::string> extra = {}) {
  const TlsFiles& f = Certs();
  std::vector<std::string> args = {"--tls-port",         std::to_string(tls_port),
                                   "--tls-cert-file",    f.server_crt,
                                   "--tls-key-file",     f.server_key,
                                   "--tls-ca-cert-file", f.ca};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// redis-cli --tls with the good client certificate, then `args`.
inline std::vector<std::string> CliTls(std::vector<std::string> args) {
  const TlsFiles& f = Certs();
  std::vector<std::string> out = {"--tls",      "--cert",   f.client_crt, "--key",
                                  f.client_key, "--cacert", f.ca};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

// s_client options presenting the good client certificate.
inline std::vector<std::string> GoodClientCert() {
  const TlsFiles& f = Certs();
  return {"-cert", f.client_crt, "-key", f.client_key, "-CAfile", f.ca};
}

class TlsPipe {
 public:
  // `openssl s_client -quiet -connect 127.0.0.1:<port>` plus `args`.
  TlsPipe(int port, const std::vector<std::string>& args) {
    std::signal(SIGPIPE, SIG_IGN);  // s_client may be gone when a test writes to it
    err_path_ = dir_.path() + "/stderr";
    std::vector<std::string> argv = {"openssl", "s_client", "-quiet", "-connect",
                                     "127.0.0.1:" + std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw Error("pipe");
    pid_ = fork();
    if (pid_ < 0) throw Error("fork");
    if (pid_ == 0) {
      int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(err, 2);
      signal(SIGPIPE, SIG_DFL);
      std::vector<char*> cargv;
      for (std::string& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      execvp(cargv[0], cargv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    in_fd_ = in[1];
    out_fd_ = out[0];
    for (int fd : {in_fd_, out_fd_}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  ~TlsPipe() { Kill(); }
  TlsPipe(const TlsPipe&) = delete;
  TlsPipe& operator=(const TlsPipe&) = delete;

  // Writes all of `bytes`; replies arriving meanwhile are kept, so big pipelines cannot
  // deadlock against a server that stops reading while its replies wait.
  void Send(std::string_view bytes) {
    const auto deadline = Clock::now() + kTimeout;
    size_t sent = 0;
    while (sent < bytes.size()) {
      pollfd fds[2] = {{in_fd_, POLLOUT, 0}, {out_fd_, POLLIN, 0}};
      if (poll(fds, out_fd_ >= 0 ? 2 : 1, Left(deadline)) < 0 && errno != EINTR) {
        throw Error("poll");
      }
      if (Clock::now() >= deadline) throw Error("timed out sending");
      if (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)) {
        ssize_t n = write(in_fd_, bytes.data() + sent, bytes.size() - sent);
        if (n < 0 && errno != EAGAIN && errno != EINTR) throw Error("s_client exited");
        if (n > 0) sent += static_cast<size_t>(n);
      }
      if (out_fd_ >= 0 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP))) ReadSome();
    }
  }

  Reply ReadReply() {
    const auto deadline = Clock::now() + kTimeout;
    for (;;) {
      Reply r;
      if (size_t used = ParseReply(buffer_, r); used != 0) {
        buffer_.erase(0, used);
        return r;
      }
      if (!Fill(deadline)) throw Error("connection closed before a reply; got '" + buffer_ + "'");
    }
  }

  std::string Call(const std::vector<std::string>& args) {
    Send(Command(args));
    return ReadReply().raw;
  }

  // Everything until s_client exits (the server closed the connection or refused it).
  std::string ReadUntilClosed() {
    const auto deadline = Clock::now() + kTimeout;
    while (Fill(deadline)) {
    }
    std::string all;
    all.swap(buffer_);
    return all;
  }

  // The connection drops as if the client crashed.
  void Kill() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    for (int* fd : {&in_fd_, &out_fd_}) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
  }

  std::string Stderr() const {
    std::ifstream in(err_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::runtime_error Error(const std::string& what) const {
    return std::runtime_error("TlsPipe: " + what + "; s_client stderr:\n" + Stderr());
  }
  static int Left(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::max<int64_t>(left.count(), 0));
  }
  // Appends what is there to buffer_; false at EOF.
  bool ReadSome() {
    char buf[65536];
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n > 0) buffer_.append(buf, static_cast<size_t>(n));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      close(out_fd_);
      out_fd_ = -1;
      return false;
    }
    return true;
  }
  // Waits for output and reads it; false at EOF. Throws at the deadline.
  bool Fill(Clock::time_point deadline) {
    if (out_fd_ < 0) return false;
    pollfd fd = {out_fd_, POLLIN, 0};
    if (poll(&fd, 1, Left(deadline)) < 0 && errno != EINTR) throw Error("poll");
    if (fd.revents == 0) {
      if (Clock::now() >= deadline) throw Error("timed out reading; got '" + buffer_ + "'");
      return true;
    }
    return ReadSome();
  }

  TempDir dir_;
  std::string err_path_;
  pid_t pid_ = -1;
  int in_fd_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

}  // namespace kvd::e2e
