import { MYSQL_URL_ENV, parseMySqlUrl, poolOptionsFor, redactUrl, resolveMySqlUrl } from './connection';
import { MySqlConfigError } from './errors';

describe('MySQL URLs', () => {
  it('parses host, port, user, password and database, decoding escapes', () => {
    expect(parseMySqlUrl('mysql://app:p%40ss%2Fword@db.internal:3307/orders')).toEqual({
      host: 'db.internal',
      port: 3307,
      user: 'app',
      password: 'p@ss/word',
      database: 'orders',
    });
    expect(parseMySqlUrl('mariadb://root@127.0.0.1')).toEqual({ host: '127.0.0.1', port: 3306, user: 'root', password: undefined, database: undefined });
    expect(parseMySqlUrl('mysql://root@[::1]:3306/x').host).toBe('::1');
  });

  it('refuses what is not a mysql:// URL, without echoing the password', () => {
    expect(() => parseMySqlUrl('postgres://u:secret@h/db')).toThrow(MySqlConfigError);
    expect(() => parseMySqlUrl('postgres://u:secret@h/db')).not.toThrow(/secret/);
    expect(() => parseMySqlUrl('not a url')).toThrow(/expected mysql:\/\//);
  });

  it('masks the password for logs', () => {
    expect(redactUrl('mysql://app:secret@db:3306/orders')).toBe('mysql://app:***@db:3306/orders');
    expect(redactUrl('mysql://app@db:3306/orders')).toBe('mysql://app@db:3306/orders');
  });

  it(`falls back to $${MYSQL_URL_ENV}, and says so when neither is set`, () => {
    const saved = process.env[MYSQL_URL_ENV];
    try {
      process.env[MYSQL_URL_ENV] = 'mysql://root@env-host/db';
      expect(resolveMySqlUrl()).toBe('mysql://root@env-host/db');
      expect(resolveMySqlUrl('mysql://root@given/db')).toBe('mysql://root@given/db');
      delete process.env[MYSQL_URL_ENV];
      expect(() => resolveMySqlUrl()).toThrow(new RegExp(MYSQL_URL_ENV));
    } finally {
      if (saved === undefined) delete process.env[MYSQL_URL_ENV];
      else process.env[MYSQL_URL_ENV] = saved;
    }
  });

  it('configures UTC, utf8mb4 and the pool size', () => {
    const options = poolOptionsFor(parseMySqlUrl('mysql://root@h/db'), { poolSize: 3, connectionOptions: { ssl: { rejectUnauthorized: true } } });
    expect(options).toMatchObject({ timezone: 'Z', charset: 'utf8mb4_unicode_ci', connectionLimit: 3, ssl: { rejectUnauthorized: true } });
    expect(() => poolOptionsFor(parseMySqlUrl('mysql://root@h/db'), { poolSize: 0 })).toThrow(/poolSize/);
  });
});
