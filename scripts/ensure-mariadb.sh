#!/usr/bin/env bash
# Makes sure a MariaDB/MySQL server answers on EVENTLOOM_MYSQL_HOST:PORT (default 127.0.0.1:3306).
# Starts the local mariadbd when it is down; installs mariadb-server when it is missing.
set -euo pipefail
HOST="${EVENTLOOM_MYSQL_HOST:-127.0.0.1}"
PORT="${EVENTLOOM_MYSQL_PORT:-3306}"

answers() { mysqladmin --protocol=tcp -h "$HOST" -P "$PORT" -uroot ping >/dev/null 2>&1; }

if answers; then exit 0; fi
if [ "$HOST" != "127.0.0.1" ] && [ "$HOST" != "localhost" ]; then
  echo "MariaDB at $HOST:$PORT does not answer, and it is not local, so it cannot be started from here." >&2
  exit 1
fi
if [ ! -x /usr/sbin/mariadbd ]; then
  echo "mariadb-server is not installed; installing it (Debian package)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq mariadb-server >/dev/null
fi
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
echo "Starting MariaDB..." >&2
start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
for _ in $(seq 1 60); do
  if answers; then exit 0; fi
  sleep 1
done
echo "MariaDB did not answer on $HOST:$PORT within 60 s; see /var/log/mysql/ or run mariadbd in the foreground." >&2
exit 1
