// PythonPeer: the pipe protocol of tools/bench/peers.py (one command line, one answer line).
#include "PythonPeer.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdlib>

namespace convgen::bench {

std::unique_ptr<PythonPeer> PythonPeer::start(const std::string &python, const std::string &script,
                                              const std::string &framework, const std::string &dir, int threads,
                                              std::string *why) {
    std::signal(SIGPIPE, SIG_IGN);  // a helper that died is reported by ask(), not by a signal
    int down[2], up[2];
    if (pipe(down) != 0) return *why = "pipe failed", nullptr;
    if (pipe(up) != 0) {
        close(down[0]), close(down[1]);
        return *why = "pipe failed", nullptr;
    }
    const std::string threadText = std::to_string(threads);
    const pid_t pid = fork();
    if (pid == 0) {  // the helper: stdin from `down`, stdout to `up`, stderr shared
        dup2(down[0], 0), dup2(up[1], 1);
        close(down[0]), close(down[1]), close(up[0]), close(up[1]);
        execl(python.c_str(), python.c_str(), script.c_str(), framework.c_str(), dir.c_str(), threadText.c_str(),
              static_cast<char *>(nullptr));
        _exit(127);
    }
    close(down[0]), close(up[1]);
    if (pid < 0) {
        close(down[1]), close(up[0]);
        return *why = "fork failed", nullptr;
    }
    std::unique_ptr<PythonPeer> p(new PythonPeer());
    p->pid_ = pid;
    p->to_ = fdopen(down[1], "w");
    p->from_ = fdopen(up[0], "r");
    const std::string hello = p->ask("");
    if (hello.rfind("version ", 0) != 0) {
        *why = hello.empty() ? "the helper " + python + " " + script + " did not start" : hello.substr(hello.find(' ') + 1);
        return nullptr;
    }
    p->version_ = hello.substr(8);
    return p;
}

PythonPeer::~PythonPeer() {
    if (to_) std::fputs("quit\n", to_), std::fclose(to_);
    if (from_) std::fclose(from_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
}

std::string PythonPeer::ask(const std::string &line) {
    if (!line.empty() && (std::fputs((line + "\n").c_str(), to_) < 0 || std::fflush(to_) != 0)) return "";
    std::string answer;
    for (int c; (c = std::fgetc(from_)) != EOF && c != '\n';) answer += char(c);
    return answer;
}

bool PythonPeer::prepare(const std::string &layer, std::string *why) {
    const std::string answer = ask("prepare " + layer);
    if (answer == "ready") return true;
    *why = answer.empty() ? "the helper exited" : answer.substr(answer.find(' ') + 1);
    return false;
}

double PythonPeer::run(double warmSeconds) {
    const std::string answer = ask("run " + std::to_string(warmSeconds));
    char *end = nullptr;
    const double seconds = std::strtod(answer.c_str(), &end);
    return answer.empty() || *end != '\0' ? NAN : seconds;
}

}  // namespace convgen::bench
