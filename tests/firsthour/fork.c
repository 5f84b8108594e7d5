#include <unistd.h>
#include <stdio.h>
#include <spawn.h>
extern char **environ;
int main(){pid_t p; int r=posix_spawn(&p,"/bin/x",0,0,(char*[]){"x",0},environ); printf("spawn %d\n",r); printf("fork %d\n",(int)fork()); return 0;}
