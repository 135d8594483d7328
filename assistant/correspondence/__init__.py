"""Văn bản đến và đi: the two capabilities an office's văn thư and its officials work with daily, kept side by
side because they share the official-document format (NĐ 30/2020) and the unit list, not their code.

- ``assistant.correspondence.incoming``: an incoming document read into a phiếu xử lý (header, requests with
  their deadlines, lead and support units, cited documents and their validity).
- ``assistant.correspondence.drafting``: an outgoing draft composed with its căn cứ, and the thể thức check of a
  draft against NĐ 30.

Each is a capability with its own face; code outside imports the subpackage, never a module inside it."""
