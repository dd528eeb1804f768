// The trivial libfcgi responder of bench/small-routes: the floor of a persistent FastCGI process
// behind the same nginx (spawn-fcgi hands it the listening socket on fd 0).
#include <fcgiapp.h>

int main() {
    FCGX_Init();
    FCGX_Request r;
    FCGX_InitRequest(&r, 0, 0);
    while (FCGX_Accept_r(&r) >= 0) {
        FCGX_PutS("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n{\"success\":\"true\"}\n", r.out);
        FCGX_Finish_r(&r);
    }
    return 0;
}
