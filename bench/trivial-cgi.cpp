// The trivial C++ CGI of bench/small-routes: the floor of a process per request under fcgiwrap.
#include <cstdio>

int main() {
    std::fputs("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n{\"success\":\"true\"}\n", stdout);
    return 0;
}
