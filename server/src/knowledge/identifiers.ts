// Small identifiers that appear in these logs: the listening ports, chkuser's remote-side marker,
// the null sender, and qmail's "250 ok EPOCH qp PID" acceptance reply. Sources: RFC 5321, RFC 6409
// (submission), RFC 8314 (implicit TLS), qmail-smtpd.c, and the project's format notes.

import { Explanation } from './common';

export const PORTS: Readonly<Record<number, Explanation>> = {
  25: {
    title: 'Port 25: server-to-server mail (MX)',
    meaning: 'The standard SMTP port where other mail servers deliver mail for the domains hosted here. Senders do not log in; spamdyke\'s checks (reverse DNS, blacklists, graylisting) apply to them. Mail to outside domains is refused here unless the client logged in.',
    severity: 'info',
    reference: 'RFC 5321 §4.5.4.2',
  },
  465: {
    title: 'Port 465: submission over SSL/TLS (SMTPS)',
    meaning: 'The port for mail programs sending with a login, encrypted from the first byte (implicit TLS). The user logs in with mailbox address and password and may then send to any address.',
    severity: 'info',
    reference: 'RFC 8314 §3.3',
  },
  587: {
    title: 'Port 587: submission (STARTTLS) with login',
    meaning: 'The message submission port for mail programs: the connection starts unencrypted, switches to encryption with STARTTLS, and the user logs in with mailbox address and password before sending to any address.',
    severity: 'info',
    reference: 'RFC 6409, RFC 3207',
  },
};

export function explainPort(port: number): Explanation | undefined {
  const known = PORTS[port];
  return known ? { ...known } : undefined;
}

/** The prefix before the IP address in chkuser's "check" lines of these logs (per the project's format notes). */
export const REMOTE_SIDES: Readonly<Record<'h' | 'unknown', Explanation>> = {
  h: {
    title: 'Remote mail server (h:IP)',
    meaning: 'The recipient check was made for a connection from another mail server, identified by its IP address: a server delivering mail without logging in, as on port 25.',
    severity: 'info',
    reference: 'Project format notes (FORMATS.md); not described in chkuser\'s own documentation',
  },
  unknown: {
    title: 'Mail program / logged-in client (unknown:IP)',
    meaning: 'The recipient check was made for a mail program (a user\'s computer or phone) connecting from this IP address, typically logged in on port 465 or 587 to send mail.',
    severity: 'info',
    reference: 'Project format notes (FORMATS.md); not described in chkuser\'s own documentation',
  },
};

export function explainRemoteSide(kind: 'h' | 'unknown'): Explanation {
  return { ...REMOTE_SIDES[kind] };
}

export const NULL_SENDER: Explanation = {
  title: 'Null sender <> (bounce or delivery report)',
  meaning: 'The envelope sender is empty. Bounces, delivery reports and vacation replies are sent this way on purpose: a message with no sender can never cause another bounce, so loops cannot start. Servers must accept it (chkuser logs "accepted null sender always"). qmail uses the special sender #@[] for a double bounce, a bounce about a bounce that goes to the postmaster.',
  severity: 'info',
  reference: 'RFC 5321 §4.5.5',
};

export function explainNullSender(): Explanation {
  return { ...NULL_SENDER };
}

export const QUEUE_ACCEPT_REPLY: Explanation = {
  title: 'qmail\'s acceptance: 250 ok EPOCH qp PID',
  meaning: 'qmail-smtpd answers the end of the message with "250 ok", the time it accepted the message (EPOCH: seconds since 1970-01-01 UTC, so comparing it with the log\'s local time shows the server\'s time zone offset) and "qp" with the process id of the qmail-queue run that stored it. The same reply appears in spamdyke\'s reason field and identifies the message across the logs; process ids are reused over time, so the pair of numbers is the key, not the PID alone.',
  severity: 'ok',
  reference: 'qmail-smtpd.c (acceptmessage), qmail-queue(8)',
};

export function explainQp(): Explanation {
  return { ...QUEUE_ACCEPT_REPLY };
}
