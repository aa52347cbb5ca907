"""Act on the mailto: of List-Unsubscribe: `manage.py process_unsubscribe_mail PATH`.

PATH is the mailbox of the unsubscribe address (SHAREHUB_NEWSLETTER_UNSUBSCRIBE_MAILTO), an mbox
file or a Maildir folder, as fetched by the city's mail system (fetchmail, a Maildir delivery…).
Each message whose subject is "unsubscribe <token>" unsubscribes the token's address; a forged
token does nothing. Processed Maildir messages are removed; an mbox is left as it is (running
twice is harmless: unsubscribing is idempotent).
"""

import mailbox
import os

from django.core.management.base import BaseCommand

from sharehub.newsletters import services, tokens


class Command(BaseCommand):
    help = "Unsubscribe the senders of 'unsubscribe <token>' mails (the List-Unsubscribe mailto)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="an mbox file or a Maildir folder")

    def handle(self, *args, path: str, **options) -> None:
        box = (
            mailbox.Maildir(path, create=False)
            if os.path.isdir(path)
            else mailbox.mbox(path, create=False)
        )
        done = ignored = 0
        for key, message in list(box.items()):
            subject = str(message.get("Subject", "")).strip()
            word, _, token = subject.partition(" ")
            if word.lower() == "unsubscribe" and token:
                try:
                    subscriber = tokens.read_manage_token(token.strip())
                except tokens.BadToken:
                    ignored += 1
                else:
                    services.unsubscribe(subscriber=subscriber)
                    done += 1
            else:
                ignored += 1
            if isinstance(box, mailbox.Maildir):
                box.remove(key)
        self.stdout.write(f"unsubscribed={done} ignored={ignored}")
