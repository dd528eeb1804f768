// The trivial libfcgi responder of bench/small-routes: the floor of a persistent FastCGI process
// behind the same nginx (spawn-fcgi hands it the listening socket on fd 0). It runs as many
// processes on the socket as the programs do (VIDJIL_FCGI_CHILDREN, as app/serve.cpp's prefork;
// one process alone made the floor lower than the programs at 8 connections), each closing its
// connections as libfcgi does (a lingering close).
#include <fcgiapp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>

int main() {
    const char* n = std::getenv("VIDJIL_FCGI_CHILDREN");
    int children = n ? std::atoi(n) : 1;
    for (int i = 1; i < children; ++i)
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM);  // stopped with the process spawn-fcgi started
            break;
        }
    FCGX_Init();
    FCGX_Request r;
    FCGX_InitRequest(&r, 0, 0);
    while (FCGX_Accept_r(&r) >= 0) {
        FCGX_PutS("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n{\"success\":\"true\"}\n", r.out);
        FCGX_Finish_r(&r);
    }
    return 0;
}
