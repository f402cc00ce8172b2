/**
 * The operating-system helpers PostgreSQL servers and tools are run with, published for the testkit and for
 * tools: {@link dev.kaapanamigrate.pgserver.os.Posix} (this JVM's uid and gid, a file's owner and mode, whether a
 * user can reach a path), {@link dev.kaapanamigrate.pgserver.os.ExternalCommands} (run a program as another user
 * with a clean environment and a log), {@link dev.kaapanamigrate.pgserver.os.PrivateDirectory} (a 0700 working
 * directory deleted on close), {@link dev.kaapanamigrate.pgserver.os.FileTrees} (recursive delete, {@code cp -a}
 * copy) and {@link dev.kaapanamigrate.pgserver.os.FreePorts}. Linux only.
 */
package dev.kaapanamigrate.pgserver.os;
